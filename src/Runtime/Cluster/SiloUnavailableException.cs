namespace Uploads.Runtime.Cluster;

/// <summary>
/// A grain call could not be served now because of the cluster, not because of the call: the grain's owner silo did not
/// answer, the membership is changing, or this silo fenced itself. Nothing was done, or what was done is safe to do
/// again; retrying after <see cref="RetryAfter"/> is expected to succeed once the membership has settled.
/// </summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException(string message, TimeSpan retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long to wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }
}
