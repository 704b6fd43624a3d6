using System.Buffers.Text;
using System.Text;

namespace Uploads.Storage;

/// <summary>
/// The rules every blob name, state key and block id follows, shared by all providers so that a name
/// valid for one is valid for all: a name is '/'-separated segments of <c>[A-Za-z0-9._~-]</c> and
/// <c>_</c>, none of them "." or "..", at most 512 characters in all. Such a name is a safe relative
/// path on any file system and a valid Azure blob name.
/// </summary>
public static class StorageNames
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxNameLength = 512;

    /// <summary>The longest block id accepted (Azure allows 64 bytes before base64).</summary>
    public const int MaxBlockIdLength = 48;

    /// <summary>Whether <paramref name="name"/> is a valid blob name or state key.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var segment in name.Split('/'))
        {
            if (!IsValidSegment(segment))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="segment"/> may stand between two '/' of a name.</summary>
    public static bool IsValidSegment(string? segment)
    {
        if (string.IsNullOrEmpty(segment) || segment is "." or "..")
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="blockId"/> is a valid block id: 1 to 48 characters of <c>[A-Za-z0-9-]</c>.</summary>
    public static bool IsValidBlockId(string? blockId)
    {
        if (string.IsNullOrEmpty(blockId) || blockId.Length > MaxBlockIdLength)
        {
            return false;
        }

        foreach (var c in blockId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Encodes free text (a tenant name, say) as one valid segment, injectively: two different texts never
    /// give the same segment. Base64url of the UTF-8 bytes, without padding.
    /// </summary>
    public static string EncodeSegment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var encoded = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        // An empty text would give an empty segment, which is not a valid segment.
        return encoded.Length == 0 ? "~" : encoded;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is valid.</summary>
    public static void ThrowIfInvalidName(string name, string paramName)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid storage name: '/'-separated segments of [A-Za-z0-9._~_-], none '.' or '..', at most {MaxNameLength} characters.", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="blockId"/> is valid.</summary>
    public static void ThrowIfInvalidBlockId(string blockId, string paramName)
    {
        if (!IsValidBlockId(blockId))
        {
            throw new ArgumentException($"'{blockId}' is not a valid block id: 1 to {MaxBlockIdLength} characters of [A-Za-z0-9-].", paramName);
        }
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '~' or '-' or '_';
}
