namespace Uploads.Gateway.Apis;

/// <summary>The <c>chunk</c> member of the answer to a chunk upload.</summary>
/// <param name="Index">The chunk's index.</param>
/// <param name="Size">The chunk's size.</param>
/// <param name="Sha256">The base64 SHA-256 of the chunk's bytes.</param>
/// <param name="Replaced">True when an earlier copy of the chunk was swapped out.</param>
public sealed record ChunkReceipt(int Index, long Size, string Sha256, bool Replaced);
