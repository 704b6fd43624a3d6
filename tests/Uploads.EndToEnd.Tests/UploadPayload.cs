using System.Security.Cryptography;

namespace Uploads.EndToEnd.Tests;

/// <summary>Random file content cut into chunks as API.md cuts it, with the digests a client can compute locally.</summary>
internal sealed class UploadPayload
{
    private const int Sha256Length = 32;

    private readonly byte[][] _chunkSha256;

    public UploadPayload(int size, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);

        Bytes = RandomNumberGenerator.GetBytes(size);
        ChunkSize = chunkSize;
        ChunkCount = (size + chunkSize - 1) / chunkSize;
        _chunkSha256 = new byte[ChunkCount][];
        var concatenated = new byte[ChunkCount * Sha256Length];
        for (var index = 0; index < ChunkCount; index++)
        {
            _chunkSha256[index] = SHA256.HashData(Chunk(index).Span);
            _chunkSha256[index].CopyTo(concatenated, index * Sha256Length);
        }

        ChunksSha256 = Convert.ToBase64String(SHA256.HashData(concatenated));
        Sha256 = SHA256.HashData(Bytes);
    }

    public byte[] Bytes { get; }

    public long Size => Bytes.Length;

    public int ChunkSize { get; }

    public int ChunkCount { get; }

    /// <summary>The base64 SHA-256 over the concatenated SHA-256 digests of the chunks in index order (API.md, <c>result.chunksSha256</c>).</summary>
    public string ChunksSha256 { get; }

    /// <summary>The SHA-256 of the whole content.</summary>
    public byte[] Sha256 { get; }

    /// <summary>Chunk <paramref name="index"/>: <see cref="ChunkSize"/> bytes, the last one what remains.</summary>
    public ReadOnlyMemory<byte> Chunk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
        var offset = index * ChunkSize;
        return Bytes.AsMemory(offset, Math.Min(ChunkSize, Bytes.Length - offset));
    }

    /// <summary>The base64 SHA-256 of chunk <paramref name="index"/>.</summary>
    public string ChunkSha256(int index) => Convert.ToBase64String(_chunkSha256[index]);
}
