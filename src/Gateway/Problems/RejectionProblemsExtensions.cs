using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Uploads.Gateway.Problems;

/// <summary>
/// Gives the answers Kestrel writes itself, to requests it refuses before the application sees them, a problem body
/// with a catalogue code (<see cref="RejectionProblemPipeWriter"/>): every endpoint's connections get the writer, and
/// the first middleware of the pipeline tells it when the application serves a request of its connection.
/// </summary>
internal static class RejectionProblemsExtensions
{
    private static readonly object s_requestsKey = typeof(ConnectionRequests);

    /// <summary>Registers the connection middleware on every Kestrel endpoint and the request tracking before all other middleware.</summary>
    public static IServiceCollection AddRejectionProblems(this IServiceCollection services)
    {
        services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Use(next => connection =>
        {
            var requests = new ConnectionRequests();
            connection.Items[s_requestsKey] = requests;
            var transport = connection.Transport;
            connection.Transport = new DuplexPipe(transport.Input, new RejectionProblemPipeWriter(transport.Output, requests));
            return next(connection);
        })));
        services.AddTransient<IStartupFilter, RequestTrackingStartupFilter>();
        return services;
    }

    private sealed class RequestTrackingStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(s_requestsKey, out var items) == true &&
                    items is ConnectionRequests requests)
                {
                    requests.Started();
                    context.Response.OnCompleted(() =>
                    {
                        requests.Ended();
                        return Task.CompletedTask;
                    });
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
