namespace Uploads.Client;

/// <summary>An upload as the server reports it (API.md, "The upload resource").</summary>
public sealed class UploadResource
{
    /// <summary>The upload's id.</summary>
    public string UploadId { get; init; } = "";

    /// <summary>The upload's state.</summary>
    public UploadState State { get; init; }

    /// <summary>The file name given at creation.</summary>
    public string FileName { get; init; } = "";

    /// <summary>The media type given at creation.</summary>
    public string ContentType { get; init; } = "";

    /// <summary>The size of the whole file in bytes; <see langword="null"/> for a tus upload whose length is not declared yet.</summary>
    public long? Size { get; init; }

    /// <summary>The size of every chunk but the last.</summary>
    public long ChunkSize { get; init; }

    /// <summary>How many chunks the upload has; zero for an empty file.</summary>
    public int ChunkCount { get; init; }

    /// <summary>The metadata given at creation.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The chunks the server holds, as sorted, disjoint ranges.</summary>
    public IReadOnlyList<ChunkRange> ReceivedChunks { get; init; } = [];

    /// <summary>How many chunks the server holds.</summary>
    public int ReceivedChunkCount { get; init; }

    /// <summary>How many bytes the server holds.</summary>
    public long ReceivedBytes { get; init; }

    /// <summary>The lowest missing chunk index, or null when none is missing (which is not the same as complete).</summary>
    public int? NextChunkIndex { get; init; }

    /// <summary>True exactly when <see cref="State"/> is <see cref="UploadState.Completed"/>.</summary>
    public bool Complete { get; init; }

    /// <summary>When the upload was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the upload last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When an upload that is not completed expires, if it can.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The result, once completed.</summary>
    public UploadResult? Result { get; init; }

    /// <summary>The acknowledged chunk, in the answer to a chunk upload only.</summary>
    public ChunkReceipt? Chunk { get; init; }

    /// <summary>The size chunk <paramref name="index"/> has: <see cref="ChunkSize"/>, the last one what remains.</summary>
    public long GetChunkLength(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
        var size = Size ?? throw new InvalidOperationException($"Upload {UploadId} has not declared its length yet.");
        return index < ChunkCount - 1 ? ChunkSize : size - ((long)(ChunkCount - 1) * ChunkSize);
    }

    /// <summary>Whether the server holds chunk <paramref name="index"/>.</summary>
    public bool HasChunk(int index)
    {
        foreach (var range in ReceivedChunks)
        {
            if (range.Contains(index))
            {
                return true;
            }
        }

        return false;
    }
}
