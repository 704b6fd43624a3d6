namespace Uploads.Client;

/// <summary>
/// How <see cref="UploadsClient"/> retries a request that may succeed on a retry: network errors, timeouts, 408, 429
/// and 5xx (but not 501 or 505), and a chunk whose bytes arrived damaged (<c>digest_mismatch</c>). Every other 4xx is
/// final. Each retry waits an exponentially growing, jittered delay, or longer if the server's <c>Retry-After</c> asks.
/// Every request of the API is safe to repeat (chunks replace, creates carry a client-chosen id, completes and aborts
/// are idempotent), so retries never duplicate work.
/// </summary>
public sealed class UploadsRetryOptions
{
    /// <summary>How many times one request is retried after its first attempt; 0 turns retries off. Default: 6.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The delay before the first retry; each further retry doubles it, and up to half of each is taken off at random. Default: 500 ms.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff delay between two attempts (a longer <c>Retry-After</c> is still honoured). Default: 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most time one request may spend waiting between its attempts; a retry that would exceed it is not made and
    /// the last failure is thrown. Default: 2 minutes.
    /// </summary>
    public TimeSpan MaxTotalDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long an attempt may go without progress (no answer, no byte sent or received) before it is abandoned and
    /// retried; <see cref="Timeout.InfiniteTimeSpan"/> turns it off. Default: 100 seconds.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
