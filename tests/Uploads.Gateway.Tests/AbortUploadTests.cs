using System.Net;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

public sealed class AbortUploadTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;

    [Fact]
    public async Task Abort_OpenUpload_Returns204AndUploadIsAborted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(2 * ChunkSize);
        await client.PutChunkOkAsync(uploadId, 0, TestPayload.Bytes(ChunkSize));

        using var response = await client.DeleteAsync($"/v1/uploads/{uploadId}");

        await response.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("aborted", (await client.GetUploadAsync(uploadId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Abort_AlreadyAborted_Returns204()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(10);
        using var first = await client.DeleteAsync($"/v1/uploads/{uploadId}");
        await first.AssertStatusAsync(HttpStatusCode.NoContent);

        using var second = await client.DeleteAsync($"/v1/uploads/{uploadId}");

        await second.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("aborted", (await client.GetUploadAsync(uploadId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Abort_Completed_Returns409InvalidStateAndContentStays()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(ChunkSize + 5);
        var upload = await client.UploadFileAsync(file);
        var uploadId = upload.GetProperty("uploadId").GetString()!;

        using var response = await client.DeleteAsync($"/v1/uploads/{uploadId}");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
        Assert.Equal("completed", (await client.GetUploadAsync(uploadId)).GetProperty("state").GetString());
        Assert.Equal(file, await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content"));
    }

    [Theory]
    [InlineData("no-such-upload")]
    [InlineData("bad!id")]
    public async Task Abort_UnknownUpload_Returns404NotFound(string uploadId)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.DeleteAsync($"/v1/uploads/{uploadId}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
