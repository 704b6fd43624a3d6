using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uploads.Runtime;
using Uploads.Runtime.Cluster;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// Expires uploads nobody touches any more, finishes interrupted completions, retries failed releases of bytes and
/// deletes terminal manifests after <see cref="UploadOptions.RetainTerminal"/>. Each pass reads at most
/// <see cref="UploadSweepOptions.BatchSize"/> manifests, going on where the last pass stopped, and activates only the
/// uploads whose manifest says they may need it, so a pass costs little however many uploads are stored. In a
/// cluster each silo acts only on the uploads it owns, so the work is shared out rather than done on every silo.
/// </summary>
internal sealed partial class UploadSweeper : BackgroundService
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly IGrainStateStore _store;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _timeProvider;
    private readonly UploadOptions _options;
    private readonly ILogger<UploadSweeper> _logger;
    private readonly IClusterMembership? _membership;
    private string? _cursor;

    public UploadSweeper(
        IGrainStateStore store,
        IGrainFactory grains,
        TimeProvider timeProvider,
        IOptions<UploadOptions> options,
        ILogger<UploadSweeper> logger,
        IClusterMembership? membership = null)
    {
        _membership = membership;
        _store = store;
        _grains = grains;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Looks at the next batch of manifests and acts on those that need it; returns how many were acted on.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        const string Prefix = UploadKeys.ManifestStateName + "/";
        var batchSize = _options.Sweep.BatchSize;
        var keys = await _store.ListKeysAsync(Prefix, _cursor, batchSize, cancellationToken);
        _cursor = keys.Count < batchSize ? null : keys[^1];
        var now = _timeProvider.GetUtcNow();
        var acted = 0;
        foreach (var key in keys)
        {
            var grainKey = key[Prefix.Length..];
            if (_membership?.IsLocalOwner(new GrainId(UploadKeys.GrainType, grainKey)) == false)
            {
                continue;
            }

            if (await _store.ReadAsync(key, cancellationToken) is not { } entry ||
                JsonSerializer.Deserialize<UploadManifest>(entry.Data, s_json) is not { } manifest ||
                !NeedsAttention(manifest, now))
            {
                continue;
            }

            try
            {
                await _grains.GetGrain<IUploadGrain>(grainKey).SweepAsync(cancellationToken);
                acted++;
            }
            catch (Exception exception) when (exception is StorageException or InconsistentStateException or UploadException)
            {
                // One upload's trouble must not stop the sweep; the next pass comes back to it.
                LogSweepFailed(_logger, key, exception);
            }
        }

        return acted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Sweep.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Sweep.Interval, _timeProvider, stoppingToken);
                var acted = await SweepOnceAsync(stoppingToken);
                if (acted > 0)
                {
                    LogSwept(_logger, acted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (StorageException exception)
            {
                LogPassFailed(_logger, exception);
            }
        }
    }

    /// <summary>Whether the manifest alone says the upload may be due for expiry, release or deletion.</summary>
    private bool NeedsAttention(UploadManifest manifest, DateTimeOffset now) => manifest.State switch
    {
        // The last accepted chunk is never before creation, so an upload younger than the TTL cannot have expired.
        ManifestState.Open => now >= manifest.CreatedAt + _options.UploadTtl,
        ManifestState.Completing => true,
        ManifestState.Aborted or ManifestState.Expired => !manifest.StorageReleased || now >= manifest.StateChangedAt + _options.RetainTerminal,
        _ => now >= manifest.StateChangedAt + _options.RetainTerminal,
    };

    [LoggerMessage(1, LogLevel.Information, "Sweep acted on {Count} uploads")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Sweeping {Key} failed; the next pass retries it")]
    private static partial void LogSweepFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "A sweep pass failed; the next pass retries it")]
    private static partial void LogPassFailed(ILogger logger, StorageException exception);
}
