using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Uploads.Gateway.Apis;
using Uploads.Gateway.Page;
using Uploads.Gateway.Tus;

namespace Uploads.Gateway;

/// <summary>Maps the gateway's endpoints.</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>Maps the v1 API (uploads and cluster), tus 1.0.0 at <c>/files/</c>, <c>/healthz/live</c>, <c>/healthz/ready</c>, <c>/openapi/v1.json</c>, and the upload page at <c>/</c> with its files at <c>/assets/</c>.</summary>
    public static IEndpointRouteBuilder MapUploadsGateway(this IEndpointRouteBuilder routes)
    {
        routes.MapUploadsApi();
        routes.MapClusterApi();
        routes.MapTusApi();
        routes.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        routes.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(GatewayServiceCollectionExtensions.ReadyTag) });
        routes.MapOpenApi().WithHead();
        routes.MapUploadsPage();
        return routes;
    }
}
