using Microsoft.Extensions.Diagnostics.HealthChecks;
using Uploads.Runtime.Cluster;

namespace Uploads.Gateway.Health;

/// <summary>
/// Ready only while this silo serves grain calls: not while it leaves the cluster (so a load balancer stops sending it
/// requests during a graceful stop) and not while it is fenced. A single silo is always ready here.
/// </summary>
internal sealed class ClusterHealthCheck : IHealthCheck
{
    private readonly IClusterMembership _membership;

    public ClusterHealthCheck(IClusterMembership membership)
    {
        _membership = membership;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_membership.LocalStatus switch
        {
            SiloStatus.Active => HealthCheckResult.Healthy($"Silo {_membership.LocalSiloId} serves grain calls."),
            var status => HealthCheckResult.Unhealthy($"Silo {_membership.LocalSiloId} is {status} and serves no grain calls."),
        });
}
