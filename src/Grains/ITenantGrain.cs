using Uploads.Runtime;

namespace Uploads.Grains;

/// <summary>
/// One tenant, keyed by its storage segment (<see cref="UploadKeys.TenantSegment"/>). It serializes the creation of
/// the tenant's uploads so that its limit of active uploads holds even when many are created at once.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Marks <paramref name="uploadId"/> active unless the tenant already has <paramref name="limit"/> active uploads;
    /// idempotent for an upload already marked. When at the limit, returns the ids that count against it.
    /// </summary>
    Task<UploadReservation> ReserveUploadAsync(string uploadId, int limit, CancellationToken cancellationToken = default);
}
