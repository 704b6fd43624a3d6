using System.Globalization;
using System.Text;
using Uploads.Abstractions;
using Uploads.Gateway.Apis;

namespace Uploads.Gateway.Tus;

/// <summary>The headers of tus 1.0.0 and the parsing of their values.</summary>
internal static class TusHeaders
{
    public const string Version = "1.0.0";
    public const string Resumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string Extension = "Tus-Extension";
    public const string MaxSize = "Tus-Max-Size";
    public const string ChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadConcat = "Upload-Concat";
    public const string MethodOverride = "X-HTTP-Method-Override";

    /// <summary>The media type of a body of bytes to append.</summary>
    public const string OffsetOctetStream = "application/offset+octet-stream";

    /// <summary>The extensions served, as <c>Tus-Extension</c> lists them.</summary>
    public const string Extensions = "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination,concatenation";

    /// <summary>The headers a browser client must be allowed to read (CORS <c>Access-Control-Expose-Headers</c>).</summary>
    public static readonly string[] Exposed =
    [
        Resumable, TusVersion, Extension, MaxSize, ChecksumAlgorithm, UploadOffset, UploadLength, UploadDeferLength,
        UploadMetadata, UploadExpires, UploadConcat, "Location",
    ];

    /// <summary>Parses a header holding a non-negative integer, such as <c>Upload-Offset</c>.</summary>
    public static bool TryParseLength(string? value, out long length) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length);

    /// <summary>Formats a time as <c>Upload-Expires</c> wants it (RFC 9110 HTTP-date).</summary>
    public static string FormatDate(DateTimeOffset time) => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses <c>Upload-Metadata</c>: comma-separated pairs of a key (no spaces or commas, unique) and a base64
    /// value, which may be left out. Values must be UTF-8 text here: they become the upload's metadata.
    /// </summary>
    public static bool TryParseMetadata(string? header, out Dictionary<string, string> metadata, out string? error)
    {
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        foreach (var pair in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 0 or > 2 || !UploadsApi.IsValidMetadataName(parts[0]))
            {
                error = $"Upload-Metadata holds '{pair}': each pair is a key without spaces or commas, a space, and a base64 value.";
                return false;
            }

            var value = "";
            if (parts.Length == 2)
            {
                try
                {
                    value = utf8.GetString(Convert.FromBase64String(parts[1]));
                }
                catch (Exception exception) when (exception is FormatException or DecoderFallbackException)
                {
                    error = $"The Upload-Metadata value of '{parts[0]}' is not base64 of UTF-8 text.";
                    return false;
                }
            }

            if (!metadata.TryAdd(parts[0], value))
            {
                error = $"Upload-Metadata holds the key '{parts[0]}' twice.";
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Formats metadata as <c>Upload-Metadata</c>, or <see langword="null"/> when there is none. A name the header cannot
    /// carry (one stored before names were checked at create) is left out rather than written raw.
    /// </summary>
    public static string? FormatMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        var pairs = metadata.Where(p => UploadsApi.IsValidMetadataName(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        return pairs.Length == 0
            ? null
            : string.Join(',', pairs.Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))}"));
    }

    /// <summary>
    /// Parses <c>Upload-Concat</c>: <c>partial</c>, or <c>final;</c> and the space-separated URLs of partial uploads
    /// (absolute, or paths), whose last segment is the upload's id.
    /// </summary>
    public static bool TryParseConcat(string value, out UploadConcat? concat, out string? error)
    {
        concat = null;
        error = null;
        if (value == "partial")
        {
            concat = new UploadConcat { Kind = UploadConcatKind.Partial };
            return true;
        }

        if (!value.StartsWith("final;", StringComparison.Ordinal))
        {
            error = "Upload-Concat must be 'partial' or 'final;' followed by the URLs of partial uploads.";
            return false;
        }

        var ids = new List<string>();
        foreach (var url in value["final;".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.AbsolutePath : url;
            var slash = path.LastIndexOf('/');
            var id = path[(slash + 1)..];
            if (slash < 0 || !path[..slash].EndsWith(TusApi.BasePath, StringComparison.Ordinal) || !UploadIds.IsValid(id))
            {
                error = $"'{url}' in Upload-Concat is not the URL of an upload at {TusApi.BasePath}/.";
                return false;
            }

            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            error = "Upload-Concat: final names no partial upload.";
            return false;
        }

        concat = new UploadConcat { Kind = UploadConcatKind.Final, Parts = ids };
        return true;
    }

    /// <summary>Formats <c>Upload-Concat</c> of an upload, or <see langword="null"/> for one that takes no part in a concatenation.</summary>
    public static string? FormatConcat(UploadConcat? concat) => concat switch
    {
        null => null,
        { Kind: UploadConcatKind.Partial } => "partial",
        _ => "final;" + string.Join(' ', concat.Parts.Select(TusApi.UploadPath)),
    };
}
