using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Uploads.Gateway.Authentication;
using Uploads.Gateway.RateLimiting;

namespace Uploads.Gateway.Apis;

/// <summary>
/// <c>GET /v1/cluster</c>: the silos of the cluster as Orleans' membership table has them, and how many grains each
/// holds. Silo-to-silo addresses are internal and never shown.
/// </summary>
public static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/cluster")
            .WithTags("Cluster")
            .RequireAuthorization(UploadsAuthenticationDefaults.TenantPolicy)
            .RequireRateLimiting(RateLimitingServiceCollectionExtensions.TenantPolicy);
        group.MapGetAndHead("/", GetClusterAsync).WithName("GetCluster");
        return group;
    }

    private static async Task<Ok<ClusterResource>> GetClusterAsync(
        [FromServices] IGrainFactory grains,
        [FromServices] ILocalSiloDetails localSilo,
        [FromServices] ClusterTopology topology,
        CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var live = hosts.Where(h => h.Status is not SiloStatus.Dead).Select(h => h.SiloAddress).ToArray();
        var statistics = live.Length == 0 ? [] : await management.GetRuntimeStatistics(live);
        var activations = live.Zip(statistics, (silo, stats) => (silo, stats.ActivationCount)).ToDictionary(p => p.silo, p => p.ActivationCount);
        cancellationToken.ThrowIfCancellationRequested();

        var silos = hosts
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h => SiloResource.From(h, activations.GetValueOrDefault(h.SiloAddress), h.SiloAddress.Equals(localSilo.SiloAddress), topology.IsClustered))
            .ToArray();
        return TypedResults.Ok(new ClusterResource(localSilo.Name, topology.IsClustered, silos));
    }
}
