using System.Net;
using System.Net.Http.Headers;
using Uploads.Gateway.Tests.Infrastructure;
using static Uploads.Gateway.Tests.Infrastructure.TusClientExtensions;

namespace Uploads.Gateway.Tests.Tus;

public sealed class TusTenancyTests
{
    [Fact]
    public async Task JwtMode_OptionsIsOpenAndEverythingElseNeedsAToken()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var anonymous = app.CreateApiClient();

        using var options = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/files/"));
        using var create = await anonymous.TusCreateAsync(100);

        Assert.Equal(HttpStatusCode.NoContent, options.StatusCode);
        await create.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task JwtMode_AnotherTenantsUploadIs404ForEveryOperation()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var alice = Authorized(app, "alice");
        using var bob = Authorized(app, "bob");
        var path = await alice.TusCreateOkAsync(100, headers: ("Upload-Concat", "partial"));
        await alice.TusPatchOkAsync(path, 0, TestPayload.Bytes(100));

        using var head = await bob.TusHeadAsync(path);
        using var patch = await bob.TusPatchAsync(path, 100, TestPayload.Bytes(1));
        using var delete = await bob.SendAsync(TusRequest(HttpMethod.Delete, path));
        using var get = await bob.GetAsync(path);
        using var final = await bob.SendAsync(TusRequest(HttpMethod.Post, "/files/", ("Upload-Concat", $"final;{path}")));

        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        await patch.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await get.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await final.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(100, await alice.TusOffsetAsync(path));
    }

    [Fact]
    public async Task Cors_ConfiguredOrigin_GetsPreflightAndExposedTusHeaders()
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Cors:AllowedOrigins:0"] = "https://app.example" });
        using var client = app.CreateApiClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/files/");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "tus-resumable,upload-offset,content-type");
        using var create = TusRequest(HttpMethod.Post, "/files/", ("Upload-Length", "10"), ("Origin", "https://app.example"));

        using var allowed = await client.SendAsync(preflight);
        using var created = await client.SendAsync(create);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://app.example", allowed.Header("Access-Control-Allow-Origin"));
        Assert.Contains("PATCH", allowed.Header("Access-Control-Allow-Methods") ?? "", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var exposed = created.Header("Access-Control-Expose-Headers") ?? "";
        Assert.Contains("Upload-Offset", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Location", exposed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cors_OtherOrigin_GetsNoAllowOrigin()
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Cors:AllowedOrigins:0"] = "https://app.example" });
        using var client = app.CreateApiClient();
        using var create = TusRequest(HttpMethod.Post, "/files/", ("Upload-Length", "10"), ("Origin", "https://evil.example"));

        using var created = await client.SendAsync(create);

        Assert.Null(created.Header("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://app.example,https://other.example")]
    [InlineData("https://app.example https://other.example")]
    [InlineData(" https://app.example , https://other.example ")]
    public async Task Cors_OriginsInOneValue_AreEachAllowed(string origins)
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Cors:AllowedOrigins"] = origins });
        using var client = app.CreateApiClient();

        foreach (var origin in new[] { "https://app.example", "https://other.example" })
        {
            using var create = TusRequest(HttpMethod.Post, "/files/", ("Upload-Length", "10"), ("Origin", origin));
            using var created = await client.SendAsync(create);
            Assert.Equal(origin, created.Header("Access-Control-Allow-Origin"));
        }
    }

    [Theory]
    [InlineData("app.example")]
    [InlineData("https://app.example/path")]
    [InlineData("ftp://app.example")]
    [InlineData("https://app.example,not an origin")]
    public async Task Cors_SomethingElseThanAnOrigin_StopsTheStartWithHowToWriteIt(string origins)
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Cors:AllowedOrigins"] = origins });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateApiClient());

        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(error.GetBaseException());
        Assert.Contains("Uploads:Cors:AllowedOrigins", validation.Message, StringComparison.Ordinal);
        Assert.Contains("separated by commas or spaces", validation.Message, StringComparison.Ordinal);
    }

    private static HttpClient Authorized(UploadsApplication app, string tenant)
    {
        var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(tenant));
        return client;
    }
}
