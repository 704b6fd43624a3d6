namespace Uploads.Abstractions;

/// <summary>The state of one upload at one moment, as its grain reports it.</summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadSnapshot")]
public sealed record UploadSnapshot
{
    [Id(0)]
    public required string UploadId { get; init; }

    [Id(1)]
    public required UploadState State { get; init; }

    [Id(2)]
    public required string FileName { get; init; }

    [Id(3)]
    public required string ContentType { get; init; }

    [Id(4)]
    public required long Size { get; init; }

    [Id(5)]
    public required long ChunkSize { get; init; }

    [Id(6)]
    public required int ChunkCount { get; init; }

    [Id(7)]
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>How the upload is written.</summary>
    [Id(8)]
    public UploadWriteMode Mode { get; init; }

    /// <summary>For an appended upload: its length is not declared yet, and <see cref="Size"/> is zero.</summary>
    [Id(9)]
    public bool SizeDeferred { get; init; }

    /// <summary>For an appended upload that takes part in a concatenation: which part.</summary>
    [Id(10)]
    public UploadConcat? Concat { get; init; }

    /// <summary>The chunk indices held, as sorted inclusive ranges.</summary>
    [Id(11)]
    public required IReadOnlyList<ChunkRange> ReceivedChunks { get; init; }

    [Id(12)]
    public required int ReceivedChunkCount { get; init; }

    /// <summary>The bytes held, counting the latest copy of each chunk once.</summary>
    [Id(13)]
    public required long ReceivedBytes { get; init; }

    /// <summary>The lowest missing chunk index, or <see langword="null"/> when none is missing.</summary>
    [Id(14)]
    public required int? NextChunkIndex { get; init; }

    [Id(15)]
    public required DateTimeOffset CreatedAt { get; init; }

    [Id(16)]
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the upload expires unless a chunk is accepted first; <see langword="null"/> once it cannot expire any more.</summary>
    [Id(17)]
    public required DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Set when <see cref="State"/> is <see cref="UploadState.Completed"/>.</summary>
    [Id(18)]
    public required UploadResult? Result { get; init; }

    /// <summary>The name of the blob the upload's bytes are staged into and committed as.</summary>
    [Id(19)]
    public required string BlobName { get; init; }
}
