using System.Net;
using System.Net.Http.Headers;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

/// <summary>The upload page at <c>/</c> and its files, served from the gateway's assembly.</summary>
public sealed class UploadsPageTests
{
    [Theory]
    [InlineData("/", "text/html", "<input id=\"files\" type=\"file\" multiple")]
    [InlineData("/assets/page.js", "text/javascript", "UploadsClient")]
    [InlineData("/assets/page.css", "text/css", ".drop-zone")]
    [InlineData("/assets/uploads/uploads-client.js", "text/javascript", "export class UploadsClient")]
    [InlineData("/assets/uploads/upload-worker.js", "text/javascript", "UploadJob")]
    public async Task Get_PageOrItsFiles_ServesThemWithTheirTypeAndAnEntityTag(string path, string mediaType, string excerpt)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync(path);
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains(excerpt, body, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task Get_PageInJwtModeWithoutToken_IsServed()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync("/");

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Get_WithTheEntityTagItHas_Returns304()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        using var first = await client.GetAsync("/assets/uploads/uploads-client.js");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/uploads/uploads-client.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var again = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Theory]
    [InlineData("/assets/nothing.js")]
    [InlineData("/assets/uploads/../../appsettings.json")]
    [InlineData("/assets/")]
    public async Task Get_FileThatIsNotThere_Returns404Problem(string path)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync(path);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Head_Page_AnswersWithoutABody()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("text/html") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
    }
}
