using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Uploads.Gateway.Tests.Infrastructure;

/// <summary>Mints the bearer tokens the tests send: valid ones and each kind the server must refuse.</summary>
internal static class TestTokens
{
    public const string SigningKey = "test-signing-key-of-at-least-32-bytes-0123456789";
    public const string Issuer = "https://issuer.test";
    public const string Audience = "uploads-api";

    /// <summary>The settings of a silo in Jwt mode that checks issuer and audience.</summary>
    public static Dictionary<string, string?> JwtSettings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Uploads:Auth:Mode"] = "Jwt",
            ["Uploads:Auth:Jwt:SigningKey"] = SigningKey,
            ["Uploads:Auth:Jwt:Issuer"] = Issuer,
            ["Uploads:Auth:Jwt:Audience"] = Audience,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static string For(
        string subject,
        string key = SigningKey,
        string algorithm = SecurityAlgorithms.HmacSha256,
        string issuer = Issuer,
        string audience = Audience,
        TimeSpan? expiresIn = null,
        string claim = "sub")
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim(claim, subject)]),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm),
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature.</summary>
    public static string Unsigned(string subject)
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Encode($"{{\"sub\":\"{subject}\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{exp}}}")}.";
    }

    private static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
