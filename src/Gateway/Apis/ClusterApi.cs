using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Uploads.Gateway.Authentication;
using Uploads.Gateway.RateLimiting;
using Uploads.Runtime.Cluster;

namespace Uploads.Gateway.Apis;

/// <summary>
/// <c>GET /v1/cluster</c>: the silos of the cluster with their status, internal address, start, last heartbeat and
/// activation count, from the view of the silo asked. Authenticated and rate limited like the upload API.
/// </summary>
public static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/cluster")
            .WithTags("Cluster")
            .RequireAuthorization(UploadsAuthenticationDefaults.TenantPolicy)
            .RequireRateLimiting(RateLimitingServiceCollectionExtensions.TenantPolicy);
        group.MapGetAndHead("/", GetCluster).WithName("GetCluster");
        return group;
    }

    private static Ok<ClusterResource> GetCluster([FromServices] IClusterMembership membership) =>
        TypedResults.Ok(new ClusterResource(
            membership.LocalSiloId,
            membership.IsClustered,
            membership.GetSilos().Select(SiloResource.From).ToArray()));
}
