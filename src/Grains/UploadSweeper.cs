using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uploads.Abstractions;

namespace Uploads.Grains;

/// <summary>
/// Asks the cluster's one <see cref="IUploadSweeperGrain"/> for a pass every <see cref="UploadSweepOptions.Interval"/>.
/// Every silo runs one, so the sweep goes on while any silo is up; the grain runs at most one pass per interval.
/// </summary>
internal sealed partial class UploadSweeper : BackgroundService
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _timeProvider;
    private readonly UploadOptions _options;
    private readonly ILogger<UploadSweeper> _logger;

    public UploadSweeper(IGrainFactory grains, TimeProvider timeProvider, IOptions<UploadOptions> options, ILogger<UploadSweeper> logger)
    {
        _grains = grains;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Sweep.Enabled)
        {
            return;
        }

        // Passes asked for by several silos within one interval run once; a little slack absorbs timer jitter.
        var minimumInterval = _options.Sweep.Interval * 0.9;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Sweep.Interval, _timeProvider, stoppingToken);
                await _grains.GetGrain<IUploadSweeperGrain>(0).SweepAsync(minimumInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed pass must not end this loop (nor, as a background service's failure would, the host).
                LogPassFailed(_logger, exception);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "A sweep pass failed; the next interval retries it")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
