using Uploads.Abstractions;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// Counts a tenant's active uploads from their marker records and adds a marker only below the limit. The markers
/// are plain records, deleted by each upload's grain when it becomes terminal, so storage stays the source of truth
/// and the count needs no state of its own; the grain only makes check-then-mark one turn.
/// </summary>
[GrainType(UploadKeys.TenantGrainType)]
internal sealed class TenantGrain : Grain, ITenantGrain
{
    private readonly IGrainStateStore _store;
    private readonly TimeProvider _timeProvider;

    public TenantGrain(IGrainStateStore store, TimeProvider timeProvider)
    {
        _store = store;
        _timeProvider = timeProvider;
    }

    public async Task<UploadReservation> ReserveUploadAsync(string uploadId, int limit, CancellationToken cancellationToken = default)
    {
        var tenantSegment = this.GetPrimaryKeyString();
        var markerKey = UploadKeys.ActiveMarkerKey($"{tenantSegment}/{uploadId}");
        if (await _store.ReadAsync(markerKey, cancellationToken) is not null)
        {
            return new UploadReservation(Reserved: true, []);
        }

        var prefix = UploadKeys.ActiveMarkerPrefix(tenantSegment);
        var active = await _store.ListKeysAsync(prefix, startAfter: null, limit, cancellationToken);
        if (active.Count >= limit)
        {
            return new UploadReservation(Reserved: false, active.Select(key => key[prefix.Length..]).ToArray());
        }

        try
        {
            // The marker holds when it was made, so the limiter can tell a reservation whose create is still under way.
            await _store.WriteAsync(markerKey, ActiveMarker.Create(_timeProvider.GetUtcNow()), etag: null, cancellationToken);
        }
        catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
        {
            // Marked meanwhile by another process sharing the store: marked all the same.
        }

        return new UploadReservation(Reserved: true, []);
    }
}
