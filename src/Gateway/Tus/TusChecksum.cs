using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Uploads.Gateway.Tus;

/// <summary>
/// An <c>Upload-Checksum</c> of the tus checksum extension: an algorithm and the digest the client computed over
/// the body of its request.
/// </summary>
internal sealed record TusChecksum(string Algorithm, byte[] Digest)
{
    // The names tus clients use (the IANA "Hash Function Textual Names"), in the order OPTIONS lists them.
    private static readonly (string Name, HashAlgorithmName Algorithm)[] s_algorithms =
    [
        ("sha1", HashAlgorithmName.SHA1),
        ("sha256", HashAlgorithmName.SHA256),
        ("sha512", HashAlgorithmName.SHA512),
        ("md5", HashAlgorithmName.MD5),
    ];

    private static readonly FrozenDictionary<string, HashAlgorithmName> s_byName =
        s_algorithms.ToFrozenDictionary(a => a.Name, a => a.Algorithm, StringComparer.Ordinal);

    /// <summary>The value of <c>Tus-Checksum-Algorithm</c>.</summary>
    public static string SupportedAlgorithms { get; } = string.Join(',', s_algorithms.Select(a => a.Name));

    /// <summary>Parses <c>Upload-Checksum: {algorithm} {base64 digest}</c>.</summary>
    public static bool TryParse(string value, out TusChecksum? checksum, out string? error)
    {
        checksum = null;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? value : value[..space];
        if (!s_byName.TryGetValue(name, out var algorithm))
        {
            error = $"Upload-Checksum uses '{name}'; the algorithms supported are {SupportedAlgorithms}.";
            return false;
        }

        var expectedLength = HashLengthOf(algorithm);
        var digest = new byte[expectedLength];
        if (space < 0 || !Convert.TryFromBase64String(value[(space + 1)..], digest, out var written) || written != expectedLength)
        {
            error = $"Upload-Checksum must be '{name} ' followed by the base64 of a {expectedLength}-byte digest.";
            return false;
        }

        checksum = new TusChecksum(name, digest);
        error = null;
        return true;
    }

    /// <summary>A hash of this checksum's algorithm, to feed the body to.</summary>
    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(s_byName[Algorithm]);

    /// <summary>Whether <paramref name="computed"/> is the digest the client sent.</summary>
    public bool Matches(byte[] computed) => CryptographicOperations.FixedTimeEquals(computed, Digest);

    private static int HashLengthOf(HashAlgorithmName algorithm) =>
        algorithm == HashAlgorithmName.SHA1 ? SHA1.HashSizeInBytes
        : algorithm == HashAlgorithmName.SHA256 ? SHA256.HashSizeInBytes
        : algorithm == HashAlgorithmName.SHA512 ? SHA512.HashSizeInBytes
        : MD5.HashSizeInBytes;
}
