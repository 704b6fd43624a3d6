namespace Uploads.Gateway.Authentication;

/// <summary>How bearer tokens are checked, bound from configuration section <c>Uploads:Auth:Jwt</c>.</summary>
public sealed class JwtOptions
{
    /// <summary>The HS256 key, as text of at least 32 bytes in UTF-8. Default: none (required in Jwt mode).</summary>
    public string SigningKey { get; set; } = "";

    /// <summary>The issuer a token must name in <c>iss</c>, when set. Default: none (not checked).</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience a token must name in <c>aud</c>, when set. Default: none (not checked).</summary>
    public string? Audience { get; set; }

    /// <summary>How far a token's <c>exp</c> and <c>nbf</c> may be off because clocks differ. Default: 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
