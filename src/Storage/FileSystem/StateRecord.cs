using System.Text;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// The format of a state file: the entity tag and a line feed, then the payload. The tag comes first so that a
/// conditional write checks it by reading a few bytes, not the whole record.
/// </summary>
internal static class StateRecord
{
    private const byte Separator = (byte)'\n';

    // Longer than any tag this store makes (32 hex digits), so a missing separator within it means damage.
    private const int MaxHeaderLength = 128;

    public static byte[] Header(string etag) => Encoding.ASCII.GetBytes(etag + "\n");

    public static StateEntry Parse(byte[] record, string path)
    {
        var end = HeaderEnd(record, path);
        return new StateEntry(record[(end + 1)..], Encoding.ASCII.GetString(record, 0, end));
    }

    /// <summary>Reads the entity tag of the record at <paramref name="path"/>, or <see langword="null"/> when there is none.</summary>
    public static string? ReadETag(string path)
    {
        Span<byte> header = stackalloc byte[MaxHeaderLength];
        int read;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            read = RandomAccess.Read(handle, header, fileOffset: 0);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var bytes = header[..read];
        var end = HeaderEnd(bytes, path);
        return Encoding.ASCII.GetString(bytes[..end]);
    }

    private static int HeaderEnd(ReadOnlySpan<byte> record, string path)
    {
        var end = record[..Math.Min(record.Length, MaxHeaderLength)].IndexOf(Separator);
        if (end <= 0)
        {
            throw new StorageException(StorageErrorCode.Unavailable, $"The state file '{path}' is damaged: it does not start with an entity tag.");
        }

        return end;
    }
}
