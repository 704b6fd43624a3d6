namespace Uploads.Abstractions;

/// <summary>
/// One tenant, keyed by its storage segment (the base64url of its name). It serializes the creation of
/// the tenant's uploads so that its limit of active uploads holds even when many are created at once.
/// </summary>
[Alias("uploads.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Marks <paramref name="uploadId"/> active unless the tenant already has <paramref name="limit"/> active uploads;
    /// idempotent for an upload already marked. When at the limit, returns the ids that count against it.
    /// </summary>
    [Alias("ReserveUpload")]
    Task<UploadReservation> ReserveUploadAsync(string uploadId, int limit, CancellationToken cancellationToken = default);
}
