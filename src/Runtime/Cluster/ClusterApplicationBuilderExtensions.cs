using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Uploads.Runtime.Cluster;

/// <summary>Serves the silo-to-silo endpoint on the internal port, and nothing else there.</summary>
public static class ClusterApplicationBuilderExtensions
{
    /// <summary>
    /// When this silo is part of a cluster, sends every request that arrived on the port of
    /// <see cref="ClusterOptions.InternalUrl"/> to the internal endpoint and ends it there: the public API is never served
    /// on the internal port, and the internal endpoint, absent from the rest of the pipeline, never on a public one.
    /// Requests are told apart by the local port of their connection, not by their Host header, which a client chooses.
    /// Call it first, before the middleware of the public API (authentication, rate limiting).
    /// </summary>
    public static IApplicationBuilder UseGrainClusterEndpoint(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<ClusterOptions>>().Value;
        if (!options.IsClustered)
        {
            return app;
        }

        var internalPort = new Uri(options.InternalUrl.Trim()).Port;
        var endpoint = app.ApplicationServices.GetRequiredService<ClusterEndpoint>();
        return app.MapWhen(context => context.Connection.LocalPort == internalPort, branch => branch.Run(endpoint.HandleAsync));
    }
}
