using Microsoft.Extensions.Options;
using Uploads.Abstractions;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// Enforces <see cref="UploadLimitsOptions.MaxActiveUploadsPerTenant"/> when an upload is created. At the limit it
/// asks each counted upload for its state first, so an upload that expired or was aborted stops counting at once
/// even if nothing has touched it since; only then does it refuse.
/// </summary>
public sealed class UploadLimiter
{
    // A reservation whose upload does not exist yet may belong to a create still under way; only an older one is stale.
    private static readonly TimeSpan s_reservationGrace = TimeSpan.FromMinutes(1);

    private readonly IGrainFactory _grains;
    private readonly IGrainStateStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly UploadLimitsOptions _limits;

    public UploadLimiter(IGrainFactory grains, IGrainStateStore store, TimeProvider timeProvider, IOptions<UploadOptions> options)
    {
        _grains = grains;
        _store = store;
        _timeProvider = timeProvider;
        _limits = options.Value.Limits;
    }

    /// <summary>Counts <paramref name="uploadId"/> as an active upload of <paramref name="tenant"/>.</summary>
    /// <exception cref="UploadException"><c>too_many_uploads</c> when the tenant is at its limit.</exception>
    public async Task ReserveAsync(string tenant, string uploadId, CancellationToken cancellationToken = default)
    {
        var tenantSegment = UploadKeys.TenantSegment(tenant);
        var tenantGrain = _grains.GetGrain<ITenantGrain>(tenantSegment);
        var limit = _limits.MaxActiveUploadsPerTenant;
        var reservation = await GrainCallRetry.InvokeAsync(() => tenantGrain.ReserveUploadAsync(uploadId, limit, cancellationToken), cancellationToken);
        if (reservation.Reserved)
        {
            return;
        }

        // Outside the tenant grain's turn: an upload grain settles its own state (expiry) and may be busy meanwhile.
        foreach (var activeId in reservation.ActiveUploadIds)
        {
            if (await IsStaleAsync(tenant, activeId, cancellationToken) is { } stale)
            {
                try
                {
                    await _store.DeleteAsync(stale.Key, stale.ETag, cancellationToken);
                }
                catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
                {
                    // The upload's grain removed its marker itself (it just expired, say), or it was renewed: either way settled.
                }
            }
        }

        reservation = await GrainCallRetry.InvokeAsync(() => tenantGrain.ReserveUploadAsync(uploadId, limit, cancellationToken), cancellationToken);
        if (!reservation.Reserved)
        {
            throw new UploadException(UploadErrorCodes.TooManyUploads, $"The tenant has {limit} active uploads, its limit; complete or abort some first.");
        }
    }

    /// <summary>The marker of <paramref name="uploadId"/> and its entity tag when it no longer counts, else null.</summary>
    private async Task<(string Key, string ETag)?> IsStaleAsync(string tenant, string uploadId, CancellationToken cancellationToken)
    {
        var grainKey = UploadKeys.GrainKey(tenant, uploadId);
        var markerKey = UploadKeys.ActiveMarkerKey(grainKey);
        if (await _store.ReadAsync(markerKey, cancellationToken) is not { } marker)
        {
            return null;
        }

        try
        {
            var grain = _grains.GetGrain<IUploadGrain>(grainKey);
            var upload = await GrainCallRetry.InvokeAsync(() => grain.GetAsync(cancellationToken), cancellationToken);
            return upload.State is UploadState.Created or UploadState.Uploading or UploadState.Completing ? null : (markerKey, marker.ETag);
        }
        catch (UploadException exception) when (exception.Code == UploadErrorCodes.NotFound)
        {
            var madeAt = ActiveMarker.MadeAt(marker.Data) ?? DateTimeOffset.MinValue;
            return _timeProvider.GetUtcNow() - madeAt < s_reservationGrace ? null : (markerKey, marker.ETag);
        }
    }
}
