using System.Text.Json.Serialization;
using Uploads.Abstractions;

namespace Uploads.Gateway.Apis;

/// <summary>
/// The upload resource of API.md; the answer to a chunk upload adds <see cref="Chunk"/>. <see cref="Size"/> is null
/// while a tus upload defers its length. Times are UTC
/// <see cref="DateTime"/>s so they serialize as RFC 3339 with a 'Z'.
/// </summary>
public sealed record UploadResource(
    string UploadId,
    string State,
    string FileName,
    string ContentType,
    long? Size,
    long ChunkSize,
    int ChunkCount,
    IReadOnlyDictionary<string, string> Metadata,
    int[][] ReceivedChunks,
    int ReceivedChunkCount,
    long ReceivedBytes,
    int? NextChunkIndex,
    bool Complete,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? ExpiresAt,
    UploadResultResource? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChunkReceipt? Chunk = null)
{
    /// <summary>The resource of <paramref name="upload"/>.</summary>
    public static UploadResource From(UploadSnapshot upload) => new(
        upload.UploadId,
        StateName(upload.State),
        upload.FileName,
        upload.ContentType,
        upload.SizeDeferred ? null : upload.Size,
        upload.ChunkSize,
        upload.ChunkCount,
        upload.Metadata,
        upload.ReceivedChunks.Select(r => new[] { r.First, r.Last }).ToArray(),
        upload.ReceivedChunkCount,
        upload.ReceivedBytes,
        upload.NextChunkIndex,
        upload.State == UploadState.Completed,
        upload.CreatedAt.UtcDateTime,
        upload.UpdatedAt.UtcDateTime,
        upload.ExpiresAt?.UtcDateTime,
        upload.Result is { } result
            ? new UploadResultResource(UploadsApi.ContentPath(upload.UploadId), result.Size, result.ETag, result.ChunksSha256, result.CompletedAt.UtcDateTime)
            : null);

    /// <summary>The name of a state on the wire.</summary>
    public static string StateName(UploadState state) => state.ToString().ToLowerInvariant();
}
