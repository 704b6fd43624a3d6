namespace Uploads.Client;

/// <summary>
/// A snapshot of <see cref="UploadsClient.UploadFileAsync"/>: reported when a chunk is acknowledged and, while bytes
/// move, about ten times a second.
/// </summary>
public sealed class UploadProgress
{
    /// <summary>The upload's id.</summary>
    public string UploadId { get; init; } = "";

    /// <summary>The size of the file.</summary>
    public long TotalBytes { get; init; }

    /// <summary>The bytes the server has acknowledged, including those it held before this call (<see cref="ResumedBytes"/>).</summary>
    public long BytesAcknowledged { get; init; }

    /// <summary><see cref="BytesAcknowledged"/> plus the bytes of chunks written to the network and not yet acknowledged.</summary>
    public long BytesSent { get; init; }

    /// <summary>The bytes the server already held when this call resumed the upload; 0 for a new upload.</summary>
    public long ResumedBytes { get; init; }

    /// <summary>How many chunks the upload has.</summary>
    public int ChunkCount { get; init; }

    /// <summary>How many chunks the server has acknowledged, including those it held before this call.</summary>
    public int ChunksAcknowledged { get; init; }

    /// <summary>How many chunks are on their way.</summary>
    public int ChunksInFlight { get; init; }

    /// <summary>How many requests were retried so far.</summary>
    public int Retries { get; init; }

    /// <summary>The recent rate at which bytes left for the server, in bytes per second.</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>The time since the call started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The time left at the recent rate, or null while no rate is known.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Whether every chunk is acknowledged; the upload is being completed and verified.</summary>
    public bool IsCompleting => ChunksAcknowledged == ChunkCount;
}
