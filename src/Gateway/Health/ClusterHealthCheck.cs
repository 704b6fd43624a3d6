using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Uploads.Gateway.Health;

/// <summary>Ready while this silo is active in Orleans' membership: not before it has joined, nor once it is stopping.</summary>
internal sealed class ClusterHealthCheck : IHealthCheck
{
    private readonly ISiloStatusOracle _status;

    public ClusterHealthCheck(ISiloStatusOracle status)
    {
        _status = status;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_status.CurrentStatus switch
        {
            SiloStatus.Active => HealthCheckResult.Healthy($"Silo {_status.SiloName} serves grain calls."),
            var status => HealthCheckResult.Unhealthy($"Silo {_status.SiloName} is {status} and serves no grain calls."),
        });
}
