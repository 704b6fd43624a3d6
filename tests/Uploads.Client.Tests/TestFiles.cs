using System.Security.Cryptography;

namespace Uploads.Client.Tests;

/// <summary>Local files of random content, and what API.md says a client can compute from them.</summary>
internal static class TestFiles
{
    public const int KiB = 1024;
    public const int MiB = 1024 * KiB;

    /// <summary>The smallest chunk size the silo accepts by default: many chunks from a few megabytes.</summary>
    public const int MinChunkSize = 64 * KiB;

    public static byte[] WriteRandom(string path, int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        File.WriteAllBytes(path, bytes);
        return bytes;
    }

    public static int ChunkCount(long size, long chunkSize) => (int)((size + chunkSize - 1) / chunkSize);

    /// <summary>The base64 SHA-256 over the concatenated SHA-256 digests of the chunks (API.md, <c>chunksSha256</c>).</summary>
    public static string ChunksSha256(byte[] content, int chunkSize)
    {
        using var composite = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var offset = 0; offset < content.Length; offset += chunkSize)
        {
            composite.AppendData(SHA256.HashData(content.AsSpan(offset, Math.Min(chunkSize, content.Length - offset))));
        }

        return Convert.ToBase64String(composite.GetHashAndReset());
    }
}
