using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Uploads.Gateway.Apis;

/// <summary>
/// The digests a client declared for a chunk: <c>Content-Digest</c> (RFC 9530; <c>sha-256</c> is checked, other
/// algorithms are ignored as the RFC allows) and <c>Content-MD5</c> (RFC 1864).
/// </summary>
/// <param name="Sha256">The declared SHA-256, if any.</param>
/// <param name="Md5">The declared MD5, if any.</param>
internal sealed record ChunkDigests(byte[]? Sha256, byte[]? Md5)
{
    /// <summary>Reads the digest headers of <paramref name="request"/>; <see langword="false"/> with a reason when one is malformed.</summary>
    public static bool TryParse(HttpRequest request, out ChunkDigests digests, out string error)
    {
        digests = new ChunkDigests(null, null);
        error = "";
        byte[]? sha256 = null;
        byte[]? md5 = null;
        var contentDigest = request.Headers["Content-Digest"].ToString();
        if (contentDigest.Length > 0)
        {
            foreach (var member in contentDigest.Split(','))
            {
                var separator = member.IndexOf('=', StringComparison.Ordinal);
                var algorithm = separator > 0 ? member[..separator].Trim() : "";
                var value = separator > 0 ? member[(separator + 1)..].Trim() : "";
                if (algorithm.Length == 0 || value.Length < 2 || value[0] != ':' || value[^1] != ':' ||
                    !TryDecode(value[1..^1], out var digest))
                {
                    error = "Content-Digest must be a list of algorithm=:base64: members (RFC 9530).";
                    return false;
                }

                if (string.Equals(algorithm, "sha-256", StringComparison.OrdinalIgnoreCase))
                {
                    if (digest.Length != SHA256.HashSizeInBytes)
                    {
                        error = "The sha-256 member of Content-Digest must hold 32 bytes.";
                        return false;
                    }

                    sha256 = digest;
                }
            }
        }

        var contentMd5 = request.Headers.ContentMD5.ToString();
        if (contentMd5.Length > 0)
        {
            if (!TryDecode(contentMd5.Trim(), out var digest) || digest.Length != 16)
            {
                error = "Content-MD5 must be the base64 of 16 bytes.";
                return false;
            }

            md5 = digest;
        }

        digests = new ChunkDigests(sha256, md5);
        return true;
    }

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[(base64.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(base64, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
