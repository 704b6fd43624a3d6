using Microsoft.AspNetCore.Http;

namespace Uploads.Gateway.Tenancy;

/// <summary>Who a request belongs to.</summary>
public static class TenantHttpContextExtensions
{
    /// <summary>The tenant of every request when authentication is off.</summary>
    public const string LocalTenant = "local";

    /// <summary>The claim an authentication handler sets to the caller's tenant.</summary>
    public const string TenantClaimType = "uploads:tenant";

    /// <summary>The tenant of the request: the authenticated caller's, else <see cref="LocalTenant"/>.</summary>
    public static string GetTenant(this HttpContext context) =>
        context.User.FindFirst(TenantClaimType)?.Value ?? LocalTenant;
}
