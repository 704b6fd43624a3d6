namespace Uploads.Abstractions;

/// <summary>Records a staged block as the latest copy of a chunk.</summary>
/// <param name="Index">The chunk's index.</param>
/// <param name="BlockId">The id of the durable staged block that holds the chunk's bytes.</param>
/// <param name="Size">The block's length.</param>
/// <param name="Sha256">The SHA-256 of the block's bytes, computed while they were staged.</param>
[GenerateSerializer, Immutable, Alias("uploads.ChunkCommit")]
public sealed record ChunkCommit(
    [property: Id(0)] int Index,
    [property: Id(1)] string BlockId,
    [property: Id(2)] long Size,
    [property: Id(3)] byte[] Sha256);
