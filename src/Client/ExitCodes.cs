namespace Uploads.Client.Cli;

/// <summary>The exit codes of <c>uploads</c>, as its help lists them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Bad arguments, a local file that cannot be read or written, or nothing to resume.</summary>
    public const int UsageError = 1;

    /// <summary>The server refused the request (a 4xx other than 408 and 429: not found, invalid state, validation, ...).</summary>
    public const int Refused = 2;

    /// <summary>No usable answer after every retry: the network failed, or the server answered 408, 429 or 5xx.</summary>
    public const int Unavailable = 3;

    /// <summary>The server's <c>chunksSha256</c> differs from the local file's, or the file changed during the upload.</summary>
    public const int VerificationFailed = 4;

    /// <summary>Interrupted by Ctrl-C; an upload is paused and <c>uploads resume</c> continues it.</summary>
    public const int Paused = 130;

    public const string Help = """
        Exit codes:
          0    success
          1    usage or local error (bad arguments, unreadable file, nothing to resume)
          2    the server refused the request (4xx: not found, invalid state, validation, ...)
          3    no usable answer after retries (network error, 408, 429, 5xx)
          4    verification failed (chunksSha256 differs from the local file's, or the file changed while uploading)
          130  paused by Ctrl-C: acknowledged chunks stay on the server; `uploads resume FILE` sends the rest
        """;
}
