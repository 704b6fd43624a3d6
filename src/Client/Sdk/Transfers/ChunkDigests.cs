using System.Security.Cryptography;

namespace Uploads.Client.Transfers;

/// <summary>
/// The SHA-256 of every chunk of a file, kept in index order, and the composite API.md defines over them
/// (<c>result.chunksSha256</c>: the SHA-256 of the concatenated 32-byte digests).
/// </summary>
internal sealed class ChunkDigests
{
    private const int DigestBytes = SHA256.HashSizeInBytes;

    private readonly byte[] _digests;

    public ChunkDigests(int chunkCount)
    {
        _digests = new byte[checked(chunkCount * DigestBytes)];
    }

    /// <summary>Hashes chunk <paramref name="index"/> and keeps its digest, which it returns.</summary>
    public ReadOnlyMemory<byte> Hash(int index, ReadOnlySpan<byte> chunk)
    {
        var digest = _digests.AsMemory(index * DigestBytes, DigestBytes);
        SHA256.HashData(chunk, digest.Span);
        return digest;
    }

    /// <summary>The base64 composite of all chunks; every chunk must have been hashed.</summary>
    public string ComputeChunksSha256() => Convert.ToBase64String(SHA256.HashData(_digests));
}
