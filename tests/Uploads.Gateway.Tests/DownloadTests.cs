using System.Net;
using System.Net.Http.Headers;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

public sealed class DownloadTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;
    private const int FileSize = (2 * ChunkSize) + 1000;

    [Fact]
    public async Task Download_NotCompleted_Returns409InvalidState()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize);
        var uploadId = await client.CreateUploadAsync(FileSize);
        await client.PutAllChunksAsync(uploadId, file);

        using var response = await client.GetAsync($"/v1/uploads/{uploadId}/content");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
    }

    [Fact]
    public async Task Download_Aborted_Returns409InvalidState()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(10);
        using var aborted = await client.DeleteAsync($"/v1/uploads/{uploadId}");
        await aborted.AssertStatusAsync(HttpStatusCode.NoContent);

        using var response = await client.GetAsync($"/v1/uploads/{uploadId}/content");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
    }

    [Fact]
    public async Task Download_UnknownUpload_Returns404NotFound()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync("/v1/uploads/no-such-upload/content");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Download_Completed_Returns200WithContentAndHeaders()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize);
        var upload = await client.UploadFileAsync(file, "report.pdf", "application/pdf");
        var uploadId = upload.GetProperty("uploadId").GetString()!;

        using var response = await client.GetAsync($"/v1/uploads/{uploadId}/content");

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FileSize, response.Content.Headers.ContentLength);
        Assert.Equal($"\"{upload.GetProperty("result").GetProperty("etag").GetString()}\"", response.Headers.ETag?.Tag);
        Assert.False(response.Headers.ETag?.IsWeak);
        Assert.Equal("report.pdf", response.Content.Headers.ContentDisposition?.FileNameStar ?? Unquote(response.Content.Headers.ContentDisposition?.FileName));
        Assert.Contains("bytes", response.Headers.AcceptRanges);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("video/mp4")]
    [InlineData("application/octet-stream")]
    public async Task Download_Completed_ServesContentTypeAsCreated(string contentType)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var upload = await client.UploadFileAsync(TestPayload.Bytes(10), "a.bin", contentType);

        using var response = await client.GetAsync($"/v1/uploads/{upload.GetProperty("uploadId").GetString()}/content");

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(contentType, upload.GetProperty("contentType").GetString());
        Assert.Equal(MediaTypeHeaderValue.Parse(contentType), response.Content.Headers.ContentType);
    }

    [Theory]
    [InlineData("résumé 日本.txt")]
    [InlineData("with space;and\"quote.txt")]
    public async Task Download_UnusualFileName_IsInContentDisposition(string fileName)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var upload = await client.UploadFileAsync(TestPayload.Bytes(10), fileName, "text/plain");
        var uploadId = upload.GetProperty("uploadId").GetString()!;

        using var response = await client.GetAsync($"/v1/uploads/{uploadId}/content");

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.NotNull(disposition);
        Assert.Equal(fileName, disposition.FileNameStar ?? Unquote(disposition.FileName));
    }

    [Theory]
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("bytes=0-0", 0, 1)]
    [InlineData("bytes=-5", FileSize - 5, 5)]
    [InlineData("bytes=131000-", 131_000, FileSize - 131_000)]
    [InlineData("bytes=65530-65545", 65_530, 16)]
    [InlineData("bytes=100-999999999", 100, FileSize - 100)]
    public async Task Download_SatisfiableRange_Returns206WithThoseBytes(string range, int offset, int length)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize);

        using var response = await GetContentWithRangeAsync(client, file, range);

        await response.AssertStatusAsync(HttpStatusCode.PartialContent);
        Assert.Equal(file.AsSpan(offset, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Equal($"bytes {offset}-{offset + length - 1}/{FileSize}", response.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("bytes=200000-")]
    [InlineData("bytes=200000-200010")]
    public async Task Download_UnsatisfiableRange_Returns416Problem(string range)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await GetContentWithRangeAsync(client, TestPayload.Bytes(FileSize), range);

        await response.AssertProblemAsync(HttpStatusCode.RequestedRangeNotSatisfiable, "range_not_satisfiable");
        Assert.Equal($"bytes */{FileSize}", response.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("items=0-5")]
    [InlineData("pages=1-2")]
    [InlineData("not a range")]
    public async Task Download_RangeOfUnknownUnit_IsIgnoredAndServes200WholeBody(string range)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize);

        using var response = await GetContentWithRangeAsync(client, file, range);

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
        Assert.Null(response.Content.Headers.ContentRange);
    }

    [Fact]
    public async Task Head_Content_AnswersHeadersOfTheGetWithoutBody()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var upload = await client.UploadFileAsync(TestPayload.Bytes(FileSize), contentType: "video/mp4");

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/uploads/{upload.GetProperty("uploadId").GetString()}/content"));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(FileSize, response.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bytes", response.Headers.AcceptRanges);
        Assert.Equal($"\"{upload.GetProperty("result").GetProperty("etag").GetString()}\"", response.Headers.ETag?.Tag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/v1/uploads")]
    [InlineData("/v1/uploads/{id}")]
    [InlineData("/v1/uploads/{id}/content")]
    [InlineData("/v1/cluster")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/healthz/live")]
    public async Task Head_EveryGetRoute_IsServed(string route)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var upload = await client.UploadFileAsync(TestPayload.Bytes(100));

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, route.Replace("{id}", upload.GetProperty("uploadId").GetString(), StringComparison.Ordinal)));

        // Kestrel leaves the body of a HEAD response out; the test server passes on what the handler wrote.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Head_UnknownUpload_Returns404()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/uploads/no-such-upload/content"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Download_IfNoneMatchCurrentETag_Returns304()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var upload = await client.UploadFileAsync(TestPayload.Bytes(FileSize));
        var path = $"/v1/uploads/{upload.GetProperty("uploadId").GetString()}/content";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{upload.GetProperty("result").GetProperty("etag").GetString()}\""));

        using var response = await client.SendAsync(request);

        await response.AssertStatusAsync(HttpStatusCode.NotModified);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Download_IfNoneMatchOtherETag_Returns200()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize);
        var upload = await client.UploadFileAsync(file);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/uploads/{upload.GetProperty("uploadId").GetString()}/content");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));

        using var response = await client.SendAsync(request);

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Uploads <paramref name="file"/>, then asks for its content with <c>Range: <paramref name="range"/></c>.</summary>
    private static async Task<HttpResponseMessage> GetContentWithRangeAsync(HttpClient client, byte[] file, string range)
    {
        var upload = await client.UploadFileAsync(file);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/uploads/{upload.GetProperty("uploadId").GetString()}/content");
        request.Headers.TryAddWithoutValidation("Range", range);
        return await client.SendAsync(request);
    }

    private static string? Unquote(string? value) => value is ['"', .., '"'] ? value[1..^1] : value;
}
