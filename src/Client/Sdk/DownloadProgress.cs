namespace Uploads.Client;

/// <summary>A snapshot of <see cref="UploadsClient.DownloadToAsync"/>, reported about ten times a second while bytes arrive.</summary>
public sealed class DownloadProgress
{
    /// <summary>The upload's id.</summary>
    public string UploadId { get; init; } = "";

    /// <summary>The size of the content.</summary>
    public long TotalBytes { get; init; }

    /// <summary>The bytes received and written so far.</summary>
    public long BytesReceived { get; init; }

    /// <summary>How many requests were retried so far (a retry continues where the last attempt stopped).</summary>
    public int Retries { get; init; }

    /// <summary>The recent rate at which bytes arrived, in bytes per second.</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>The time since the call started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The time left at the recent rate, or null while no rate is known.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }
}
