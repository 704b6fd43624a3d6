using System.Net;
using System.Net.Sockets;

namespace Uploads.Client.Http;

/// <summary>
/// Which failures are worth another attempt, and how long to wait before it: exponential backoff with jitter, never
/// shorter than the server's <c>Retry-After</c>. Immutable: a copy of the options taken when the client was made.
/// </summary>
internal sealed class RetryPolicy
{
    public RetryPolicy(UploadsRetryOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries, "Retry.MaxRetries");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Delay, TimeSpan.Zero, "Retry.Delay");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDelay, options.Delay, "Retry.MaxDelay");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTotalDelay, TimeSpan.Zero, "Retry.MaxTotalDelay");
        if (options.NetworkTimeout <= TimeSpan.Zero && options.NetworkTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException("Retry.NetworkTimeout", options.NetworkTimeout, "The network timeout must be positive, or Timeout.InfiniteTimeSpan.");
        }

        MaxRetries = options.MaxRetries;
        Delay = options.Delay;
        MaxDelay = options.MaxDelay;
        MaxTotalDelay = options.MaxTotalDelay;
        NetworkTimeout = options.NetworkTimeout;
    }

    public int MaxRetries { get; }

    public TimeSpan Delay { get; }

    public TimeSpan MaxDelay { get; }

    public TimeSpan MaxTotalDelay { get; }

    public TimeSpan NetworkTimeout { get; }

    /// <summary>
    /// Whether a refusal might be accepted on a retry. 408, 429 and 5xx are about the server's load or health; a
    /// digest mismatch means the bytes were damaged on the way, since the client hashes exactly what it sends. 501 and
    /// 505, and every other 4xx, will be answered the same way however often they are asked.
    /// </summary>
    public static bool IsRetryable(HttpStatusCode status, string? errorCode) =>
        (int)status switch
        {
            408 or 429 => true,
            501 or 505 => false,
            >= 500 and < 600 => true,
            400 => errorCode == UploadsErrorCodes.DigestMismatch,
            _ => false,
        };

    /// <summary>
    /// Whether an exception of an attempt means "no usable answer" and not a mistake: the connection failed or broke,
    /// or the attempt timed out. A cancellation by the caller, a failure to read or write a local file, or a TLS or
    /// configuration error is none of these.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return false;
        }

        return exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError or HttpRequestError.UserAuthenticationError or
                HttpRequestError.VersionNegotiationError or HttpRequestError.ExtendedConnectNotSupported or HttpRequestError.ConfigurationLimitExceeded } => false,
            HttpRequestException => true,
            HttpIOException => true,
            IOException { InnerException: SocketException } => true,
            // The caller did not cancel: this is the attempt's network timeout, or the HttpClient's own Timeout.
            OperationCanceledException => true,
            _ => false,
        };
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first): <see cref="Delay"/> doubled per retry,
    /// capped at <see cref="MaxDelay"/>, less a random part of up to half of it so that clients that failed together
    /// do not retry together; and never less than <paramref name="retryAfter"/>.
    /// </summary>
    public TimeSpan GetDelay(int retry, TimeSpan? retryAfter)
    {
        var exponent = Math.Min(retry - 1, 30);
        var backoff = TimeSpan.FromTicks((long)Math.Min(Delay.Ticks * Math.Pow(2, exponent), MaxDelay.Ticks));
        var jittered = backoff - (backoff * (Random.Shared.NextDouble() / 2));
        return retryAfter is { } wait && wait > jittered ? wait : jittered;
    }
}
