using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Uploads.Abstractions;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// Expires uploads nobody touches any more, finishes interrupted completions, retries failed releases of bytes and
/// deletes terminal manifests after <see cref="UploadOptions.RetainTerminal"/>. Each pass reads at most
/// <see cref="UploadSweepOptions.BatchSize"/> index records, going on where the last pass stopped, reads each
/// upload's manifest straight from grain storage, and activates only the uploads whose manifest says they may need
/// it, so a pass costs little however many uploads are stored. Whatever a pass decides, the upload's own grain
/// settles: it alone writes its state, with conditional writes, so no two silos ever expire one upload.
/// </summary>
[GrainType("upload-sweeper")]
internal sealed partial class UploadSweeperGrain : Grain, IUploadSweeperGrain
{
    // An index record whose manifest is missing may belong to a create still under way; only an older one is stale.
    private static readonly TimeSpan s_orphanGrace = TimeSpan.FromMinutes(1);

    private readonly IGrainStateStore _records;
    private readonly IGrainStorage _storage;
    private readonly TimeProvider _timeProvider;
    private readonly UploadOptions _options;
    private readonly ILogger<UploadSweeperGrain> _logger;
    private string? _cursor;
    private DateTimeOffset? _lastPassAt;

    public UploadSweeperGrain(
        IGrainStateStore records,
        [FromKeyedServices(UploadKeys.StorageName)] IGrainStorage storage,
        TimeProvider timeProvider,
        IOptions<UploadOptions> options,
        ILogger<UploadSweeperGrain> logger)
    {
        _records = records;
        _storage = storage;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<int> SweepAsync(TimeSpan minimumInterval, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        if (_lastPassAt is { } last && now - last < minimumInterval)
        {
            return 0;
        }

        _lastPassAt = now;
        const string Prefix = UploadKeys.IndexName + "/";
        var batchSize = _options.Sweep.BatchSize;
        var keys = await _records.ListKeysAsync(Prefix, _cursor, batchSize, cancellationToken);
        _cursor = keys.Count < batchSize ? null : keys[^1];
        var acted = 0;
        foreach (var key in keys)
        {
            var grainKey = key[Prefix.Length..];
            try
            {
                if (await NeedsAttentionAsync(key, grainKey, now, cancellationToken))
                {
                    await GrainFactory.GetGrain<IUploadGrain>(grainKey).SweepAsync(cancellationToken);
                    acted++;
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // One upload's trouble (its grain, our store, or a grain storage provider's own exception type) must
                // not stop the sweep; the next pass comes back to it.
                LogSweepFailed(_logger, key, exception);
            }
        }

        if (acted > 0)
        {
            LogSwept(_logger, acted);
        }

        return acted;
    }

    /// <summary>Whether the stored manifest alone says the upload may be due for expiry, release or deletion.</summary>
    private async Task<bool> NeedsAttentionAsync(string indexKey, string grainKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = new GrainState<UploadManifest>();
        await _storage.ReadStateAsync(UploadKeys.ManifestStateName, UploadKeys.UploadGrainId(grainKey), stored);
        if (!stored.RecordExists || stored.State is not { } manifest)
        {
            await DeleteOrphanIndexAsync(indexKey, now, cancellationToken);
            return false;
        }

        return manifest.State switch
        {
            // The last accepted chunk is never before creation, so an upload younger than the TTL cannot have expired.
            ManifestState.Open => now >= manifest.CreatedAt + _options.UploadTtl,
            ManifestState.Completing => true,
            ManifestState.Aborted or ManifestState.Expired => !manifest.StorageReleased || now >= manifest.StateChangedAt + _options.RetainTerminal,
            _ => now >= manifest.StateChangedAt + _options.RetainTerminal,
        };
    }

    /// <summary>Deletes an index record left by a create that never wrote its manifest, or by a purge cut short.</summary>
    private async Task DeleteOrphanIndexAsync(string indexKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await _records.ReadAsync(indexKey, cancellationToken) is not { } entry ||
            now - (ActiveMarker.MadeAt(entry.Data) ?? DateTimeOffset.MinValue) < s_orphanGrace)
        {
            return;
        }

        try
        {
            await _records.DeleteAsync(indexKey, entry.ETag, cancellationToken);
        }
        catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
        {
            // Rewritten meanwhile by a create of the same id: it is no orphan any more.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Sweep acted on {Count} uploads")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Sweeping {Key} failed; the next pass retries it")]
    private static partial void LogSweepFailed(ILogger logger, string key, Exception exception);
}
