namespace Uploads.Client;

/// <summary>
/// The values of <see cref="UploadsException.ErrorCode"/>: the stable codes of the service (API.md, "Errors"), and the
/// few the client itself reports, for failures that have no HTTP status of their own.
/// </summary>
public static class UploadsErrorCodes
{
    public const string ValidationError = "validation_error";
    public const string InvalidChunk = "invalid_chunk";
    public const string ChunkSizeMismatch = "chunk_size_mismatch";
    public const string DigestMismatch = "digest_mismatch";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string InvalidState = "invalid_state";
    public const string UploadIncomplete = "upload_incomplete";
    public const string UploadIdConflict = "upload_id_conflict";
    public const string UploadAborted = "upload_aborted";
    public const string UploadExpired = "upload_expired";
    public const string LengthRequired = "length_required";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RateLimited = "rate_limited";
    public const string TooManyUploads = "too_many_uploads";
    public const string StorageUnavailable = "storage_unavailable";

    /// <summary>Client: no answer after every retry (connection failures, resets, timeouts). <see cref="UploadsException.Status"/> is 0.</summary>
    public const string NetworkError = "network_error";

    /// <summary>Client: the server answered with a body that is not what API.md describes.</summary>
    public const string InvalidResponse = "invalid_response";

    /// <summary>
    /// Client: the server's digest of what it stored differs from the one computed from the local file (a chunk's
    /// <c>sha256</c>, or the result's <c>chunksSha256</c>). The upload must not be trusted.
    /// </summary>
    public const string VerificationFailed = "verification_failed";

    /// <summary>Client: the local file changed (size or last-write time) while it was being uploaded.</summary>
    public const string FileChanged = "file_changed";
}
