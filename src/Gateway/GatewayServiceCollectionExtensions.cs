using Microsoft.Extensions.DependencyInjection;
using Uploads.Gateway.Authentication;
using Uploads.Gateway.Cors;
using Uploads.Gateway.Health;
using Uploads.Gateway.Problems;
using Uploads.Gateway.RateLimiting;

namespace Uploads.Gateway;

/// <summary>Registers the HTTP gateway's services.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>The health check tag of the checks <c>/healthz/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds authentication in the configured mode, the CORS policy of browser clients, the per-tenant rate limit, problem details (with a <c>code</c> on
    /// every error, Kestrel's own refusals included), the exception handler, health checks and OpenAPI. The host registers the grain runtime with
    /// <c>AddGrainCluster</c> (a single silo included): <c>GET /v1/cluster</c> and readiness ask its membership.
    /// </summary>
    public static IServiceCollection AddUploadsGateway(this IServiceCollection services)
    {
        services.AddUploadsAuthentication();
        services.AddUploadsCors();
        services.AddUploadsRateLimiting();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Errors the framework produces itself (an unknown route, say) get a code and a detail too.
            if (!context.ProblemDetails.Extensions.ContainsKey("code") &&
                UploadErrors.ForStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode) is { } error)
            {
                context.ProblemDetails.Extensions["code"] = error.Code;
            }

            var request = context.HttpContext.Request;
            context.ProblemDetails.Detail ??= $"{context.ProblemDetails.Title ?? "Refused"}: {request.Method} {request.Path}.";
        });
        services.AddExceptionHandler<UploadsExceptionHandler>();
        services.AddRejectionProblems();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag]);
        services.AddOpenApi();
        return services;
    }
}
