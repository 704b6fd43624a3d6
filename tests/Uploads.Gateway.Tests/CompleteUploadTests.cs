using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Gateway.Tests.Infrastructure;
using Uploads.Testing;

namespace Uploads.Gateway.Tests;

public sealed class CompleteUploadTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;

    [Fact]
    public async Task Complete_ChunksMissing_Returns409WithMissingRangesAndChangesNothing()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((6 * ChunkSize) + 1);
        var chunks = TestPayload.Chunks(file, ChunkSize);
        var uploadId = await client.CreateUploadAsync(file.Length);
        foreach (var index in new[] { 0, 1, 3, 6 })
        {
            await client.PutChunkOkAsync(uploadId, index, chunks[index]);
        }

        var before = await client.GetUploadAsync(uploadId);

        using var response = await client.PostCompleteAsync(uploadId);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "upload_incomplete");
        Assert.Equal("[[2,2],[4,5]]", problem.GetProperty("missingChunks").GetRawText());
        Assert.Equal(before.GetRawText(), (await client.GetUploadAsync(uploadId)).GetRawText());
        await client.PutChunkOkAsync(uploadId, 2, chunks[2]);
    }

    [Fact]
    public async Task Complete_NoChunksSent_Returns409WithAllMissing()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync((3 * ChunkSize) - 1);

        using var response = await client.PostCompleteAsync(uploadId);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "upload_incomplete");
        Assert.Equal("[[0,2]]", problem.GetProperty("missingChunks").GetRawText());
        Assert.Equal("created", (await client.GetUploadAsync(uploadId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Complete_AllChunksPresent_Returns200CompletedWithResult()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((3 * ChunkSize) + 17);
        var uploadId = await client.CreateUploadAsync(file.Length);
        await client.PutAllChunksAsync(uploadId, file);

        var upload = await client.CompleteAsync(uploadId);

        Assert.Equal("completed", upload.GetProperty("state").GetString());
        Assert.True(upload.GetProperty("complete").GetBoolean());
        var result = upload.GetProperty("result");
        Assert.Equal($"/v1/uploads/{uploadId}/content", result.GetProperty("location").GetString());
        Assert.Equal(file.Length, result.GetProperty("size").GetInt64());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("etag").GetString()));
        Assert.Equal(TestPayload.ChunksSha256(TestPayload.Chunks(file, ChunkSize)), result.GetProperty("chunksSha256").GetString());
        Assert.EndsWith("Z", result.GetProperty("completedAt").GetString(), StringComparison.Ordinal);
        Assert.Equal(file, await client.GetByteArrayAsync(result.GetProperty("location").GetString()));
    }

    [Fact]
    public async Task Complete_CalledAgain_Returns200WithSameResult()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(ChunkSize + 1);
        var uploadId = await client.CreateUploadAsync(file.Length);
        await client.PutAllChunksAsync(uploadId, file);
        var first = await client.CompleteAsync(uploadId);

        var second = await client.CompleteAsync(uploadId);

        Assert.Equal("completed", second.GetProperty("state").GetString());
        Assert.Equal(first.GetProperty("result").GetRawText(), second.GetProperty("result").GetRawText());
        Assert.Equal(first.GetRawText(), (await client.GetUploadAsync(uploadId)).GetRawText());
    }

    [Fact]
    public async Task Complete_Aborted_Returns410UploadAborted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(ChunkSize);
        var uploadId = await client.CreateUploadAsync(file.Length);
        await client.PutAllChunksAsync(uploadId, file);
        using var aborted = await client.DeleteAsync($"/v1/uploads/{uploadId}");
        await aborted.AssertStatusAsync(HttpStatusCode.NoContent);

        using var response = await client.PostCompleteAsync(uploadId);

        await response.AssertProblemAsync(HttpStatusCode.Gone, "upload_aborted");
    }

    [Fact]
    public async Task Complete_Expired_Returns410UploadExpired()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        await using var app = new UploadsApplication(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(ChunkSize);
        var uploadId = await client.CreateUploadAsync(file.Length);
        await client.PutAllChunksAsync(uploadId, file);
        clock.Advance(TimeSpan.FromHours(24));

        using var response = await client.PostCompleteAsync(uploadId);

        await response.AssertProblemAsync(HttpStatusCode.Gone, "upload_expired");
        Assert.Equal("expired", (await client.GetUploadAsync(uploadId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Complete_UnknownUpload_Returns404NotFound()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.PostCompleteAsync("no-such-upload");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Complete_EmptyUpload_CompletesWithoutChunks()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var created = await client.CreateUploadAsync(new { fileName = "empty.txt", size = 0, contentType = "text/plain" });
        var uploadId = created.GetProperty("uploadId").GetString()!;

        var upload = await client.CompleteAsync(uploadId);

        Assert.Equal(0, created.GetProperty("chunkCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("nextChunkIndex").ValueKind);
        Assert.Equal("completed", upload.GetProperty("state").GetString());
        Assert.Equal(0, upload.GetProperty("result").GetProperty("size").GetInt64());
        Assert.Equal(TestPayload.ChunksSha256([]), upload.GetProperty("result").GetProperty("chunksSha256").GetString());
        using var content = await client.GetAsync($"/v1/uploads/{uploadId}/content");
        await content.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Empty(await content.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, content.Content.Headers.ContentLength);
    }
}
