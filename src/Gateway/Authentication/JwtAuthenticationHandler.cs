using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;
using Uploads.Gateway.Problems;
using Uploads.Gateway.Tenancy;

namespace Uploads.Gateway.Authentication;

/// <summary>
/// Bearer JWTs (RFC 6750) checked with <see cref="JsonWebTokenHandler"/>: an HS256 signature with the configured key
/// (unsigned tokens and every other algorithm are refused), the lifetime, and the issuer and audience when they are
/// configured. The tenant is the configured claim. A refusal is a 401 problem with code <c>unauthorized</c>.
/// </summary>
internal sealed partial class JwtAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private const string BearerPrefix = "Bearer ";

    private readonly JsonWebTokenHandler _tokens = new();
    private readonly AuthOptions _auth;
    private readonly TokenValidationParameters _parameters;

    public JwtAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        IOptions<AuthOptions> auth)
        : base(options, logger, encoder)
    {
        _auth = auth.Value;
        var jwt = _auth.Jwt;
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = jwt.ClockSkew,
            ValidateIssuer = jwt.Issuer is { Length: > 0 },
            ValidIssuer = jwt.Issuer,
            ValidateAudience = jwt.Audience is { Length: > 0 },
            ValidAudience = jwt.Audience,
        };
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string authorization = Request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header is not a bearer token.");
        }

        var result = await _tokens.ValidateTokenAsync(authorization[BearerPrefix.Length..].Trim(), _parameters);
        if (!result.IsValid)
        {
            LogTokenRefused(Logger, result.Exception);
            return AuthenticateResult.Fail(result.Exception?.Message ?? "The token is not valid.");
        }

        if (!result.Claims.TryGetValue(_auth.TenantClaim, out var tenantClaim) || tenantClaim?.ToString() is not { Length: > 0 } tenant)
        {
            return AuthenticateResult.Fail($"The token has no '{_auth.TenantClaim}' claim to name its tenant.");
        }

        var identity = new ClaimsIdentity([new Claim(TenantHttpContextExtensions.TenantClaimType, tenant)], UploadsAuthenticationDefaults.JwtScheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), UploadsAuthenticationDefaults.JwtScheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        Response.Headers[HeaderNames.WWWAuthenticate] = failure is null
            ? "Bearer"
            : "Bearer error=\"invalid_token\"";
        var detail = failure is null
            ? "This request needs an Authorization: Bearer <token> header."
            : $"The bearer token was refused: {failure.Message}";
        await UploadErrors.Problem(UploadErrors.Unauthorized, detail).ExecuteAsync(Context);
    }

    [LoggerMessage(1, LogLevel.Debug, "A bearer token was refused")]
    private static partial void LogTokenRefused(ILogger logger, Exception? exception);
}
