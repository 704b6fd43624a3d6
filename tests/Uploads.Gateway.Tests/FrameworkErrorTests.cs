using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

/// <summary>Errors the framework answers before a handler runs are problems with a catalogue code, like the handlers' own.</summary>
public sealed class FrameworkErrorTests
{
    [Theory]
    [InlineData("PATCH", "/v1/uploads")]
    [InlineData("PUT", "/v1/uploads")]
    [InlineData("POST", "/v1/uploads/some-id")]
    [InlineData("GET", "/v1/uploads/some-id/chunks/0")]
    [InlineData("DELETE", "/v1/uploads/some-id/content")]
    [InlineData("PUT", "/files/")]
    public async Task WrongMethod_KnownRoute_Returns405ProblemWithCode(string method, string path)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Contains(path, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public async Task Create_BodyNotJson_Returns415ProblemWithCode(string mediaType)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.PostAsync("/v1/uploads", new StringContent("""{"fileName":"a.bin","size":1}""", Encoding.UTF8, mediaType));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("image/png")]
    [InlineData(null)]
    public async Task PutChunk_AnyContentType_IsStoredAsRawBytes(string? mediaType)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(1000);
        var uploadId = await client.CreateUploadAsync(file.Length);
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = mediaType is null ? null : MediaTypeHeaderValue.Parse(mediaType);

        using var put = await client.PutAsync($"/v1/uploads/{uploadId}/chunks/0", content);

        await put.AssertStatusAsync(HttpStatusCode.OK);
        await client.CompleteAsync(uploadId);
        Assert.Equal(file, await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content"));
    }
}
