using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Uploads.Runtime;

/// <summary>
/// Deactivates idle activations every <see cref="GrainRuntimeOptions.CollectionInterval"/>, and every activation when
/// the host stops, after the calls in flight have finished their turns.
/// </summary>
internal sealed partial class ActivationCollector : BackgroundService
{
    private readonly ActivationCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly GrainRuntimeOptions _options;
    private readonly ILogger<ActivationCollector> _logger;

    public ActivationCollector(ActivationCatalog catalog, TimeProvider timeProvider, IOptions<GrainRuntimeOptions> options, ILogger<ActivationCollector> logger)
    {
        _catalog = catalog;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await _catalog.DeactivateAllAsync(DeactivationReason.ShuttingDown, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout ran out; the activations still busy are left to the process exit.
            LogShutdownIncomplete(_logger, _catalog.ActivationCount);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.CollectionInterval, _timeProvider, stoppingToken);
                var collected = await _catalog.CollectIdleAsync(stoppingToken);
                if (collected > 0)
                {
                    LogCollected(_logger, collected);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync deactivates what is left.
        }
    }
}
