namespace Uploads.Grains;

/// <summary>Where the bytes of a chunk go before the chunk is committed.</summary>
/// <param name="BlobName">The blob to stage the chunk's block into.</param>
/// <param name="BlockId">A block id unique to this attempt at this chunk.</param>
public sealed record ChunkTarget(string BlobName, string BlockId);
