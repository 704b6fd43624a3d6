namespace Uploads.Grains;

/// <summary>The state of one upload at one moment, as its grain reports it.</summary>
public sealed record UploadSnapshot
{
    public required string UploadId { get; init; }

    public required UploadState State { get; init; }

    public required string FileName { get; init; }

    public required string ContentType { get; init; }

    public required long Size { get; init; }

    public required long ChunkSize { get; init; }

    public required int ChunkCount { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>How the upload is written.</summary>
    public UploadWriteMode Mode { get; init; }

    /// <summary>For an appended upload: its length is not declared yet, and <see cref="Size"/> is zero.</summary>
    public bool SizeDeferred { get; init; }

    /// <summary>For an appended upload that takes part in a concatenation: which part.</summary>
    public UploadConcat? Concat { get; init; }

    /// <summary>The chunk indices held, as sorted inclusive ranges.</summary>
    public required IReadOnlyList<ChunkRange> ReceivedChunks { get; init; }

    public required int ReceivedChunkCount { get; init; }

    /// <summary>The bytes held, counting the latest copy of each chunk once.</summary>
    public required long ReceivedBytes { get; init; }

    /// <summary>The lowest missing chunk index, or <see langword="null"/> when none is missing.</summary>
    public required int? NextChunkIndex { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the upload expires unless a chunk is accepted first; <see langword="null"/> once it cannot expire any more.</summary>
    public required DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Set when <see cref="State"/> is <see cref="UploadState.Completed"/>.</summary>
    public required UploadResult? Result { get; init; }

    /// <summary>The name of the blob the upload's bytes are staged into and committed as.</summary>
    public required string BlobName { get; init; }
}
