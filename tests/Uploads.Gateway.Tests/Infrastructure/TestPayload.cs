using System.Security.Cryptography;

namespace Uploads.Gateway.Tests.Infrastructure;

/// <summary>Deterministic file contents and the digests API.md defines over them.</summary>
internal static class TestPayload
{
    /// <summary><paramref name="length"/> pseudo-random bytes, the same for the same seed.</summary>
    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The base64 SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256Base64(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(SHA256.HashData(bytes));

    /// <summary>The base64 MD5 of <paramref name="bytes"/>, as Content-MD5 carries it.</summary>
    public static string Md5Base64(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(MD5.HashData(bytes));

    /// <summary>A Content-Digest header value (RFC 9530) with the SHA-256 of <paramref name="bytes"/>.</summary>
    public static string ContentDigest(ReadOnlySpan<byte> bytes) => $"sha-256=:{Sha256Base64(bytes)}:";

    /// <summary>The chunks of <paramref name="file"/> for <paramref name="chunkSize"/>, in index order.</summary>
    public static IReadOnlyList<byte[]> Chunks(byte[] file, int chunkSize) => file.Chunk(chunkSize).ToArray();

    /// <summary><c>chunksSha256</c> of API.md: the base64 SHA-256 over the concatenated SHA-256s of the chunks.</summary>
    public static string ChunksSha256(IEnumerable<byte[]> chunks)
    {
        using var concatenated = new MemoryStream();
        foreach (var chunk in chunks)
        {
            concatenated.Write(SHA256.HashData(chunk));
        }

        return Convert.ToBase64String(SHA256.HashData(concatenated.ToArray()));
    }
}
