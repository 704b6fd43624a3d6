namespace Uploads.Gateway.Authentication;

/// <summary>Who may call the API and how the tenant is found, bound from configuration section <c>Uploads:Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Uploads:Auth";

    /// <summary>No authentication: every request belongs to the tenant <c>local</c>. For loopback use only.</summary>
    public const string NoneMode = "None";

    /// <summary>Every API request needs a bearer JWT signed with <see cref="JwtOptions.SigningKey"/>.</summary>
    public const string JwtMode = "Jwt";

    /// <summary><see cref="NoneMode"/> or <see cref="JwtMode"/>, compared without regard to case. Default: "None".</summary>
    public string Mode { get; set; } = NoneMode;

    /// <summary>The claim of a token that names its tenant. Default: "sub".</summary>
    public string TenantClaim { get; set; } = "sub";

    /// <summary>How tokens are checked in <see cref="JwtMode"/>.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Whether <see cref="Mode"/> is <see cref="JwtMode"/>.</summary>
    public bool IsJwt => string.Equals(Mode, JwtMode, StringComparison.OrdinalIgnoreCase);
}
