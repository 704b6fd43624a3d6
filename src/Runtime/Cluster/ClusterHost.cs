using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// Runs this silo's membership with the host: joins before anything else starts (so the first grain call already has
/// a view), heartbeats while it runs, and on stop leaves before anything else stops — marks itself leaving so the others
/// stop placing grains on it, lets the calls under way finish (at most <see cref="ClusterOptions.DrainTimeout"/>),
/// deactivates its grains and deletes its record. The web server stops only afterwards, so requests that arrive
/// meanwhile are forwarded to the grains' new owners. A single silo does none of this.
/// </summary>
internal sealed partial class ClusterHost : IHostedLifecycleService, IDisposable
{
    private readonly ClusterMembership _membership;
    private readonly ActivationCatalog _catalog;
    private readonly InFlightCalls _inFlight;
    private readonly TimeProvider _timeProvider;
    private readonly ClusterOptions _options;
    private readonly ILogger<ClusterHost> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _heartbeats = Task.CompletedTask;

    public ClusterHost(
        ClusterMembership membership,
        ActivationCatalog catalog,
        InFlightCalls inFlight,
        TimeProvider timeProvider,
        IOptions<ClusterOptions> options,
        ILogger<ClusterHost> logger)
    {
        _membership = membership;
        _catalog = catalog;
        _inFlight = inFlight;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) =>
        _options.IsClustered ? _membership.JoinAsync(cancellationToken) : Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.IsClustered)
        {
            _heartbeats = Task.Run(() => HeartbeatAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!_options.IsClustered)
        {
            return;
        }

        await _membership.LeaveAsync(cancellationToken);

        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            drain.CancelAfter(_options.DrainTimeout);
            try
            {
                await _inFlight.WaitIdleAsync(drain.Token);
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested)
            {
                // The grains are deactivated after the calls queued on them in any case; this only stops waiting.
                LogDrainTimedOut(_logger, _membership.LocalSiloId, _inFlight.Count, _options.DrainTimeout);
            }
        }

        try
        {
            await _catalog.DeactivateAllAsync(DeactivationReason.ShuttingDown, cancellationToken);
            await _membership.WaitForBackgroundWorkAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout ran out; what is left ends with the process.
        }

        await StopHeartbeatsAsync();
        await _membership.RemoveAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopHeartbeatsAsync();

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        // A host disposed without being stopped must not leave the heartbeat loop waiting for ever.
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task StopHeartbeatsAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        await _heartbeats;
    }

    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatInterval, _timeProvider, stoppingToken);
                await _membership.HeartbeatAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: the last step of leaving deletes the record.
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The membership handles the store's failures itself; anything else must not end the loop, or the silo
                // would stay fenced for good without a word. The next heartbeat tries again.
                LogHeartbeatCrashed(_logger, _membership.LocalSiloId, exception);
            }
        }
    }
}
