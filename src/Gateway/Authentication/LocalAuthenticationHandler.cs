using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uploads.Gateway.Tenancy;

namespace Uploads.Gateway.Authentication;

/// <summary>Authentication off: every request is the tenant <c>local</c>, so the rest of the pipeline is the same in both modes.</summary>
internal sealed class LocalAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private static readonly AuthenticationTicket s_ticket = new(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(TenantHttpContextExtensions.TenantClaimType, TenantHttpContextExtensions.LocalTenant)], UploadsAuthenticationDefaults.LocalScheme)),
        UploadsAuthenticationDefaults.LocalScheme);

    public LocalAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.Success(s_ticket));
}
