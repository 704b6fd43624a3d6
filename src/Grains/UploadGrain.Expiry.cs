using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>Expiry, the end of an upload (aborted or expired), the release of its bytes and the sweep's housekeeping.</summary>
internal sealed partial class UploadGrain
{
    public async Task<bool> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (!_manifest.RecordExists)
        {
            DeactivateOnIdle();
            return false;
        }

        await EnsureCurrentAsync(cancellationToken);
        var state = Manifest.State;
        if (state is ManifestState.Open or ManifestState.Completing)
        {
            return false;
        }

        if ((state is ManifestState.Aborted or ManifestState.Expired) && !Manifest.StorageReleased)
        {
            await TryReleaseStorageAsync(cancellationToken);
        }

        if (_timeProvider.GetUtcNow() < Manifest.StateChangedAt + _options.RetainTerminal ||
            ((state is ManifestState.Aborted or ManifestState.Expired) && !Manifest.StorageReleased))
        {
            return false;
        }

        // Pages first, the manifest last: a purge cut short leaves a manifest the next sweep finds, never orphan pages.
        // A completed upload's blob stays: it is the delivered file; only the bookkeeping goes.
        await ForgetActiveAsync(cancellationToken);
        foreach (var page in _pages)
        {
            // A page never written has no entity tag, and nothing stored to delete.
            if (page.Etag is not null)
            {
                await page.ClearStateAsync(cancellationToken);
            }
        }

        await _manifest.ClearStateAsync(cancellationToken);
        await _records.DeleteAsync(UploadKeys.IndexKey(BlobName), etag: null, cancellationToken);
        DeactivateOnIdle();
        LogPurged(_logger, BlobName);
        return true;
    }

    private async Task AddToIndexAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _records.WriteAsync(UploadKeys.IndexKey(BlobName), ActiveMarker.Create(_timeProvider.GetUtcNow()), etag: null, cancellationToken);
        }
        catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
        {
            // Left by an earlier attempt at this create: listed all the same.
        }
    }

    /// <summary>
    /// Makes the upload aborted or expired, durably, with its bytes still to release, and stops it counting against its
    /// tenant's limit. The caller releases the bytes.
    /// </summary>
    private async Task EndAsync(ManifestState state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Manifest.State = state;
        Manifest.StateChangedAt = at;
        Manifest.StorageReleased = false;
        await WriteAsync(_manifest, cancellationToken);
        await ForgetActiveAsync(cancellationToken);
    }

    private async Task TryReleaseStorageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _blocks.DeleteAsync(BlobName, cancellationToken);
        }
        catch (StorageException exception)
        {
            // The upload is already terminal; the release is retried by the next abort or expiry sweep.
            LogReleaseFailed(_logger, BlobName, exception);
            return;
        }

        if (!Manifest.StorageReleased)
        {
            Manifest.StorageReleased = true;
            await WriteAsync(_manifest, cancellationToken);
        }
    }

    private async Task ForgetActiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _records.DeleteAsync(UploadKeys.ActiveMarkerKey(BlobName), etag: null, cancellationToken);
        }
        catch (StorageException exception)
        {
            // The tenant's limiter asks this grain for its state before it refuses anyone, so a stale marker only delays.
            LogForgetActiveFailed(_logger, BlobName, exception);
        }
    }

    private DateTimeOffset ExpiresAt()
    {
        var lastActivity = _lastAcceptedAt is { } accepted && accepted > Manifest.CreatedAt ? accepted : Manifest.CreatedAt;
        return lastActivity + _options.UploadTtl;
    }
}
