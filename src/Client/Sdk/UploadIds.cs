using System.Security.Cryptography;

namespace Uploads.Client;

/// <summary>Client-chosen upload ids: ULIDs, as the server makes them, so ids sort by creation time either way.</summary>
internal static class UploadIds
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters).</summary>
    public static string NewId(TimeProvider timeProvider)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        var milliseconds = (ulong)timeProvider.GetUtcNow().ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFF;
        var value = (UInt128)milliseconds << 80;
        for (var i = 0; i < random.Length; i++)
        {
            value |= (UInt128)random[i] << (8 * (random.Length - 1 - i));
        }

        Span<char> chars = stackalloc char[26];
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Crockford[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }
}
