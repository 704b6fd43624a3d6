namespace Uploads.Gateway.Authentication;

/// <summary>The names of the gateway's authentication schemes and policy.</summary>
public static class UploadsAuthenticationDefaults
{
    /// <summary>The scheme of <c>Mode=None</c>: every request is the tenant <c>local</c>.</summary>
    public const string LocalScheme = "Local";

    /// <summary>The scheme of <c>Mode=Jwt</c>: a bearer JWT.</summary>
    public const string JwtScheme = "Bearer";

    /// <summary>The policy the API endpoints require: an authenticated caller with a tenant.</summary>
    public const string TenantPolicy = "Tenant";
}
