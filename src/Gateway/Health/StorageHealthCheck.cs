using Microsoft.Extensions.Diagnostics.HealthChecks;
using Uploads.Storage;

namespace Uploads.Gateway.Health;

/// <summary>Ready only while the state store answers: a read of a key that need not exist.</summary>
internal sealed class StorageHealthCheck : IHealthCheck
{
    private const string ProbeKey = "health/probe";

    private readonly IGrainStateStore _store;

    public StorageHealthCheck(IGrainStateStore store)
    {
        _store = store;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await _store.ReadAsync(ProbeKey, cancellationToken);
            return HealthCheckResult.Healthy("The store answers.");
        }
        catch (StorageException exception)
        {
            return HealthCheckResult.Unhealthy("The store does not answer.", exception);
        }
    }
}
