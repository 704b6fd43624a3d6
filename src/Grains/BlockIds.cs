using System.Security.Cryptography;

namespace Uploads.Grains;

/// <summary>
/// Block ids of chunks: the chunk index (five digits) and a random nonce, all of one length as Azure requires.
/// A new id per attempt means a re-sent chunk never touches the bytes of the copy it replaces.
/// </summary>
public static class BlockIds
{
    /// <summary>A new block id for chunk <paramref name="index"/> (0 to 99,999).</summary>
    public static string New(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 99_999);
        Span<byte> nonce = stackalloc byte[16];
        RandomNumberGenerator.Fill(nonce);
        return $"{index:D5}-{Convert.ToHexStringLower(nonce)}";
    }
}
