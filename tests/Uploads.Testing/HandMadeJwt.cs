using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Uploads.Testing;

/// <summary>HS256 JWTs made by hand, as any client library would make them, for silos in Jwt mode.</summary>
public static class HandMadeJwt
{
    /// <summary>A token for tenant <paramref name="subject"/>, signed with <paramref name="key"/>, valid for an hour from now.</summary>
    public static string Sign(string subject, string key)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode("""{"alg":"HS256","typ":"JWT"}""");
        var payload = Encode($$"""{"sub":"{{subject}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}}}""");
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
