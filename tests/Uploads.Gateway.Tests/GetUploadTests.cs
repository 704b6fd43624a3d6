using System.Net;
using System.Text.Json;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

public sealed class GetUploadTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;

    [Fact]
    public async Task Get_ExistingUpload_Returns200WithResource()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var created = await client.CreateUploadAsync(new { fileName = "a.bin", size = 10, metadata = new { k = "v" } });
        var uploadId = created.GetProperty("uploadId").GetString()!;

        var upload = await client.GetUploadAsync(uploadId);

        Assert.Equal(created.GetRawText(), upload.GetRawText());
    }

    [Theory]
    [InlineData("01JD3W7K2Q0M8Z5X9C4V6B1N2T")]
    [InlineData("no-such-upload")]
    [InlineData("bad!id")]
    [InlineData("a%20b")]
    [InlineData("a%2Fb")]
    [InlineData("...")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Get_UnknownOrMalformedId_Returns404NotFound(string uploadId)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync($"/v1/uploads/{uploadId}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Get_ChunksOutOfOrder_ShowsRangesAndNextChunkIndex()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((5 * ChunkSize) + 10);
        var chunks = TestPayload.Chunks(file, ChunkSize);
        var uploadId = await client.CreateUploadAsync(file.Length);

        foreach (var index in new[] { 5, 0, 3, 1 })
        {
            await client.PutChunkOkAsync(uploadId, index, chunks[index]);
        }

        var upload = await client.GetUploadAsync(uploadId);

        Assert.Equal("uploading", upload.GetProperty("state").GetString());
        Assert.Equal("[[0,1],[3,3],[5,5]]", upload.GetProperty("receivedChunks").GetRawText());
        Assert.Equal(4, upload.GetProperty("receivedChunkCount").GetInt32());
        Assert.Equal((3 * ChunkSize) + 10, upload.GetProperty("receivedBytes").GetInt64());
        Assert.Equal(2, upload.GetProperty("nextChunkIndex").GetInt32());
        Assert.False(upload.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Get_AllChunksPresentNotCompleted_NextChunkIndexNullAndNotComplete()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((2 * ChunkSize) + 1);
        var uploadId = await client.CreateUploadAsync(file.Length);
        await client.PutAllChunksAsync(uploadId, file);

        var upload = await client.GetUploadAsync(uploadId);

        Assert.Equal("uploading", upload.GetProperty("state").GetString());
        Assert.Equal("[[0,2]]", upload.GetProperty("receivedChunks").GetRawText());
        Assert.Equal(file.Length, upload.GetProperty("receivedBytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, upload.GetProperty("nextChunkIndex").ValueKind);
        Assert.False(upload.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Get_AfterAbort_ShowsAborted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(10);
        using var aborted = await client.DeleteAsync($"/v1/uploads/{uploadId}");
        await aborted.AssertStatusAsync(HttpStatusCode.NoContent);

        var upload = await client.GetUploadAsync(uploadId);

        Assert.Equal("aborted", upload.GetProperty("state").GetString());
        Assert.False(upload.GetProperty("complete").GetBoolean());
    }
}
