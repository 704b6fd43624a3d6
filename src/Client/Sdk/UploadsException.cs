namespace Uploads.Client;

/// <summary>
/// The one exception the client throws for a failed call: the server refused it (a problem details answer, whose
/// <see cref="Status"/>, <see cref="ErrorCode"/> and <see cref="Detail"/> it carries), the network failed after every
/// retry, or a check of the client failed (<see cref="UploadsErrorCodes"/>). Cancellation is not a failure and surfaces
/// as <see cref="OperationCanceledException"/>; local file errors surface as the <see cref="IOException"/> they are.
/// </summary>
public sealed class UploadsException : Exception
{
    /// <summary>A failure with <paramref name="status"/> and <paramref name="errorCode"/>.</summary>
    /// <param name="status">The HTTP status, or 0 when the failure is not an HTTP answer.</param>
    /// <param name="errorCode">The stable code (<see cref="UploadsErrorCodes"/>), if known.</param>
    /// <param name="message">What failed, for people.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public UploadsException(int status, string? errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>
    /// The HTTP status of the server's answer; 0 when there was no answer (<see cref="UploadsErrorCodes.NetworkError"/>)
    /// or a check of the client failed (<see cref="UploadsErrorCodes.VerificationFailed"/>, <see cref="UploadsErrorCodes.FileChanged"/>).
    /// </summary>
    public int Status { get; }

    /// <summary>The stable code of the problem (<see cref="UploadsErrorCodes"/>), or null if the answer had none.</summary>
    public string? ErrorCode { get; }

    /// <summary>The problem's <c>title</c>, if the server sent one.</summary>
    public string? Title { get; init; }

    /// <summary>The problem's <c>detail</c>, if the server sent one.</summary>
    public string? Detail { get; init; }

    /// <summary>The chunks a complete found missing (<see cref="UploadsErrorCodes.UploadIncomplete"/>); else empty.</summary>
    public IReadOnlyList<ChunkRange> MissingChunks { get; init; } = [];

    /// <summary>How long the server asked the client to wait (<c>Retry-After</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Whether the same call might succeed later: no answer, or 408, 429 or a 5xx other than 501 and 505. The client
    /// has already retried such failures as often as its options allow.
    /// </summary>
    public bool IsTransient =>
        ErrorCode == UploadsErrorCodes.NetworkError ||
        Status is 408 or 429 ||
        (Status >= 500 && Status is not (501 or 505));
}
