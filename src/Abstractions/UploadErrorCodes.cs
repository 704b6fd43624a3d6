namespace Uploads.Abstractions;

/// <summary>The stable codes of the refusals of upload operations (API.md, "Errors"). The gateway maps them to HTTP.</summary>
public static class UploadErrorCodes
{
    public const string ValidationError = "validation_error";
    public const string InvalidChunk = "invalid_chunk";
    public const string ChunkSizeMismatch = "chunk_size_mismatch";
    public const string NotFound = "not_found";
    public const string InvalidState = "invalid_state";
    public const string UploadIncomplete = "upload_incomplete";
    public const string UploadIdConflict = "upload_id_conflict";
    public const string UploadAborted = "upload_aborted";
    public const string UploadExpired = "upload_expired";
    public const string PayloadTooLarge = "payload_too_large";
    public const string TooManyUploads = "too_many_uploads";

    /// <summary>An append at an offset that is not the upload's (tus: 409).</summary>
    public const string OffsetMismatch = "offset_mismatch";

    /// <summary>A write to a final upload of a concatenation, which is composed, never written (tus: 403).</summary>
    public const string FinalUpload = "final_upload";
}
