using System.Security.Cryptography;

namespace Uploads.Abstractions;

/// <summary>Upload ids: server-chosen ULIDs, or client-chosen ids of <c>[A-Za-z0-9._-]{1,128}</c>.</summary>
public static class UploadIds
{
    /// <summary>The longest id a client may choose.</summary>
    public const int MaxLength = 128;

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>
    /// A new ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters), so ids sort by
    /// creation time and listings come out oldest first.
    /// </summary>
    public static string NewId(TimeProvider timeProvider)
    {
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(milliseconds & 0xFF);
            milliseconds >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        var value = new UInt128(
            ((ulong)bytes[0] << 56) | ((ulong)bytes[1] << 48) | ((ulong)bytes[2] << 40) | ((ulong)bytes[3] << 32) | ((ulong)bytes[4] << 24) | ((ulong)bytes[5] << 16) | ((ulong)bytes[6] << 8) | bytes[7],
            ((ulong)bytes[8] << 56) | ((ulong)bytes[9] << 48) | ((ulong)bytes[10] << 40) | ((ulong)bytes[11] << 32) | ((ulong)bytes[12] << 24) | ((ulong)bytes[13] << 16) | ((ulong)bytes[14] << 8) | bytes[15]);
        Span<char> chars = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Crockford[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }

    /// <summary>Whether <paramref name="id"/> is an id a client may choose (and so one that may exist).</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || id is "." or "..")
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
