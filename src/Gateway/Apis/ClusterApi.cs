using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Uploads.Gateway.Authentication;
using Uploads.Gateway.RateLimiting;
using Uploads.Grains;

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

        // Asked silo by silo, and only the active ones: a silo that is joining, or dead but not yet declared so,
        // must not make the whole view fail; its count is shown as 0.
        var activations = new Dictionary<SiloAddress, int>();
        foreach (var host in hosts.Where(h => h.Status == SiloStatus.Active))
        {
            try
            {
                var statistics = await management.GetRuntimeStatistics([host.SiloAddress]);
                activations[host.SiloAddress] = statistics[0].ActivationCount;
            }
            catch (Exception exception) when (GrainCallRetry.IsSiloUnavailable(exception))
            {
                // Unreachable just now: the membership table will say so soon.
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        var silos = hosts
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h => SiloResource.From(h, activations.GetValueOrDefault(h.SiloAddress), h.SiloAddress.Equals(localSilo.SiloAddress), topology.IsClustered))
            .ToArray();
        return TypedResults.Ok(new ClusterResource(localSilo.Name, topology.IsClustered, silos));
    }
}
