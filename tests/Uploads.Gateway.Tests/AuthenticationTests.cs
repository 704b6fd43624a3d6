using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

public sealed class AuthenticationTests
{
    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "forged", TestTokens.For("alice", key: "another-signing-key-of-at-least-32-bytes-xyz") },
        { "expired", TestTokens.For("alice", expiresIn: TimeSpan.FromHours(-1)) },
        { "wrong audience", TestTokens.For("alice", audience: "someone-else") },
        { "wrong issuer", TestTokens.For("alice", issuer: "https://evil.test") },
        { "unsigned", TestTokens.Unsigned("alice") },
        { "other algorithm", TestTokens.For("alice", algorithm: SecurityAlgorithms.HmacSha384) },
        { "not a jwt", "not-a-token" },
    };

    [Fact]
    public async Task Request_JwtModeWithoutToken_Is401WithChallenge()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync("/v1/uploads");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Request_JwtModeWithRefusedToken_Is401InvalidToken(string kind, string token)
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.PostCreateAsync(new { fileName = "a.bin", size = 10 });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(kind));
    }

    [Fact]
    public async Task Request_JwtModeWithValidToken_IsServed()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var client = Authorized(app, TestTokens.For("alice"));

        using var response = await client.PostCreateAsync(new { fileName = "a.bin", size = 10 });

        await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Request_TenantClaimConfigured_NamesTheTenantFromThatClaim()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings(("Uploads:Auth:TenantClaim", "tid")));
        using var withClaim = Authorized(app, TestTokens.For("tenant-1", claim: "tid"));
        using var withoutClaim = Authorized(app, TestTokens.For("tenant-1"));

        using var served = await withClaim.GetAsync("/v1/uploads");
        using var refused = await withoutClaim.GetAsync("/v1/uploads");

        await served.AssertStatusAsync(HttpStatusCode.OK);
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    public async Task Health_JwtModeWithoutToken_StaysOpen(string path)
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync(path);

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_JwtModeWithShortKey_FailsNamingTheSetting()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings(("Uploads:Auth:Jwt:SigningKey", "too-short")));

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Uploads:Auth:Jwt:SigningKey", error.ToString(), StringComparison.Ordinal);
    }

    private static HttpClient Authorized(UploadsApplication app, string token)
    {
        var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
