namespace Uploads.Abstractions;

/// <summary>Where the bytes of a chunk go before the chunk is committed.</summary>
/// <param name="BlobName">The blob to stage the chunk's block into.</param>
/// <param name="BlockId">A block id unique to this attempt at this chunk.</param>
[GenerateSerializer, Immutable, Alias("uploads.ChunkTarget")]
public sealed record ChunkTarget([property: Id(0)] string BlobName, [property: Id(1)] string BlockId);
