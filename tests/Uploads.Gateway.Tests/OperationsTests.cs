using System.Net;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

public sealed class OperationsTests
{
    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    public async Task Health_Endpoint_Returns200(string path)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync(path);

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OpenApi_Document_Returns200JsonDescribingUploads()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync("/openapi/v1.json");
        var document = await response.ReadJsonAsync();

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/uploads", out _));
        Assert.Contains("/v1/uploads/{id}/chunks/{index}", document.GetProperty("paths").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Root_BrowserAsksForHtml_GetsTheUploadPageLinkingTheApiDescription()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        using var response = await client.SendAsync(request);
        var html = await response.AssertStatusAsync(HttpStatusCode.OK);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Contains("<input id=\"files\" type=\"file\" multiple", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/v2/uploads")]
    [InlineData("GET", "/nothing-here")]
    [InlineData("GET", "/v1/uploads/a/b/c")]
    [InlineData("POST", "/v1/uploads/some-id/finish")]
    public async Task UnknownRoute_Returns404NotFound(string method, string path)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        // The framework's own 404 (status code pages) is a problem like any other: catalogue code, title and detail.
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Contains(path, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
