using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Uploads.Abstractions;

namespace Uploads.Gateway.Problems;

/// <summary>
/// The one catalogue of errors the API answers with (API.md, "Errors"), and the one place problem details are
/// made: every error response is <c>application/problem+json</c> with <c>status</c>, <c>title</c>, <c>detail</c>
/// and the stable <c>code</c>.
/// </summary>
public static class UploadErrors
{
    public static readonly ApiError ValidationError = new(StatusCodes.Status400BadRequest, UploadErrorCodes.ValidationError, "The request is not valid.");
    public static readonly ApiError InvalidChunk = new(StatusCodes.Status400BadRequest, UploadErrorCodes.InvalidChunk, "The chunk index is out of range.");
    public static readonly ApiError ChunkSizeMismatch = new(StatusCodes.Status400BadRequest, UploadErrorCodes.ChunkSizeMismatch, "The chunk does not have the size its index requires.");
    public static readonly ApiError DigestMismatch = new(StatusCodes.Status400BadRequest, "digest_mismatch", "The chunk does not match its digest.");
    public static readonly ApiError FinalUpload = new(StatusCodes.Status403Forbidden, UploadErrorCodes.FinalUpload, "A final upload of a concatenation cannot be written.");
    public static readonly ApiError Unauthorized = new(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication is required.");
    public static readonly ApiError NotFound = new(StatusCodes.Status404NotFound, UploadErrorCodes.NotFound, "No such upload.");
    public static readonly ApiError MethodNotAllowed = new(StatusCodes.Status405MethodNotAllowed, "method_not_allowed", "The method is not allowed on this resource.");
    public static readonly ApiError RequestTimeout = new(StatusCodes.Status408RequestTimeout, "request_timeout", "The request was not received in time.");
    public static readonly ApiError InvalidState = new(StatusCodes.Status409Conflict, UploadErrorCodes.InvalidState, "The operation is not allowed in the upload's state.");
    public static readonly ApiError UploadIncomplete = new(StatusCodes.Status409Conflict, UploadErrorCodes.UploadIncomplete, "Chunks are missing.");
    public static readonly ApiError OffsetMismatch = new(StatusCodes.Status409Conflict, UploadErrorCodes.OffsetMismatch, "Upload-Offset is not the upload's offset.");
    public static readonly ApiError UploadIdConflict = new(StatusCodes.Status409Conflict, UploadErrorCodes.UploadIdConflict, "An upload with this id exists with other parameters.");
    public static readonly ApiError UploadAborted = new(StatusCodes.Status410Gone, UploadErrorCodes.UploadAborted, "The upload was aborted.");
    public static readonly ApiError UploadExpired = new(StatusCodes.Status410Gone, UploadErrorCodes.UploadExpired, "The upload has expired.");
    public static readonly ApiError LengthRequired = new(StatusCodes.Status411LengthRequired, "length_required", "Content-Length is required.");
    public static readonly ApiError UnsupportedVersion = new(StatusCodes.Status412PreconditionFailed, "unsupported_version", "The tus version is not supported.");
    public static readonly ApiError PayloadTooLarge = new(StatusCodes.Status413PayloadTooLarge, UploadErrorCodes.PayloadTooLarge, "The payload is too large.");
    public static readonly ApiError UriTooLong = new(StatusCodes.Status414UriTooLong, "uri_too_long", "The request target is too long.");
    public static readonly ApiError UnsupportedMediaType = new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body has the wrong Content-Type.");
    public static readonly ApiError RangeNotSatisfiable = new(StatusCodes.Status416RangeNotSatisfiable, "range_not_satisfiable", "The range lies outside the content.");
    public static readonly ApiError TooManyUploads = new(StatusCodes.Status429TooManyRequests, UploadErrorCodes.TooManyUploads, "The tenant has too many active uploads.", RetryAfterSeconds: 30);
    public static readonly ApiError RateLimited = new(StatusCodes.Status429TooManyRequests, "rate_limited", "The tenant sends requests too fast.", RetryAfterSeconds: 1);
    public static readonly ApiError HeadersTooLarge = new(StatusCodes.Status431RequestHeaderFieldsTooLarge, "headers_too_large", "The request headers are too large.");
    public static readonly ApiError ChecksumMismatch = new(460, "checksum_mismatch", "The body does not match Upload-Checksum.");
    public static readonly ApiError StorageUnavailable = new(StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "Storage is unavailable; retry later.", RetryAfterSeconds: 2);
    public static readonly ApiError SiloUnavailable = new(StatusCodes.Status503ServiceUnavailable, "silo_unavailable", "The silo that owns the upload is unavailable while the cluster changes; retry shortly.", RetryAfterSeconds: 2);
    public static readonly ApiError HttpVersionNotSupported = new(StatusCodes.Status505HttpVersionNotsupported, "http_version_not_supported", "The HTTP version is not supported.");

    private static readonly FrozenDictionary<string, ApiError> s_byCode = new[]
    {
        ValidationError, InvalidChunk, ChunkSizeMismatch, DigestMismatch, FinalUpload, Unauthorized, NotFound, MethodNotAllowed,
        RequestTimeout, InvalidState, OffsetMismatch, UploadIncomplete, UploadIdConflict, UploadAborted, UploadExpired, LengthRequired,
        UnsupportedVersion, PayloadTooLarge, UriTooLong, UnsupportedMediaType, RangeNotSatisfiable, TooManyUploads, RateLimited,
        HeadersTooLarge, ChecksumMismatch, StorageUnavailable, SiloUnavailable, HttpVersionNotSupported,
    }.ToFrozenDictionary(e => e.Code);

    // What the framework answers on its own, before any handler runs: routing (404, 405, 415), Kestrel's limits and
    // its parser (400, 408, 411, 413, 414, 431, 505), ranges (416) and the store (503).
    private static readonly FrozenDictionary<int, ApiError> s_byStatus = new[]
    {
        ValidationError, Unauthorized, NotFound, MethodNotAllowed, RequestTimeout, LengthRequired, PayloadTooLarge, UriTooLong,
        UnsupportedMediaType, RangeNotSatisfiable, HeadersTooLarge, StorageUnavailable, HttpVersionNotSupported,
    }.ToFrozenDictionary(e => e.Status);

    /// <summary>The catalogue entry of <paramref name="code"/>.</summary>
    public static ApiError ForCode(string code) =>
        s_byCode.TryGetValue(code, out var error) ? error : throw new ArgumentException($"'{code}' is not in the error catalogue.", nameof(code));

    /// <summary>The entry used for a bare status the framework produced (an unknown route, say), if there is one.</summary>
    public static ApiError? ForStatus(int status) => s_byStatus.GetValueOrDefault(status);

    /// <summary>
    /// A problem details result for <paramref name="error"/>. The caller sets <c>Retry-After</c> where the error has
    /// one (<see cref="SetRetryAfter"/>): a result cannot carry headers of its own.
    /// </summary>
    public static ProblemHttpResult Problem(ApiError error, string detail, IDictionary<string, object?>? extensions = null)
    {
        var members = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = error.Code };
        return TypedResults.Problem(detail, statusCode: error.Status, title: error.Title, extensions: members);
    }

    /// <summary>Sets <c>Retry-After</c> on the response when <paramref name="error"/> is worth retrying.</summary>
    public static void SetRetryAfter(HttpContext context, ApiError error, TimeSpan? after = null)
    {
        if ((after is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : error.RetryAfterSeconds) is { } seconds)
        {
            context.Response.Headers.RetryAfter = Math.Max(seconds, 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A problem details result for a refusal of the grain.</summary>
    public static ProblemHttpResult Problem(UploadException exception)
    {
        var extensions = exception.MissingChunks is { } missing
            ? new Dictionary<string, object?> { ["missingChunks"] = missing.Select(r => new[] { r.First, r.Last }).ToArray() }
            : null;
        return Problem(ForCode(exception.Code), exception.Message, extensions);
    }
}
