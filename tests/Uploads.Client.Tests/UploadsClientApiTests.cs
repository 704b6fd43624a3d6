using System.Security.Cryptography;
using Uploads.Client.Tests.Fakes;

namespace Uploads.Client.Tests;

/// <summary>Every endpoint of API.md through <see cref="UploadsClient"/>, against a real silo process: typed results and typed refusals.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class UploadsClientApiTests
{
    private const int ChunkSize = TestFiles.MinChunkSize;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Endpoints_CreateChunksCompleteDownload_ReturnTypedResources()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var client = fixture.CreateClient();
        var content = RandomNumberGenerator.GetBytes((2 * ChunkSize) + 500);

        var created = await client.CreateUploadAsync(
            new CreateUploadOptions { FileName = "api.bin", Size = content.Length, ChunkSize = ChunkSize, ContentType = "text/plain", Metadata = new Dictionary<string, string> { ["k"] = "v" } },
            cancellationToken);
        Assert.Equal(UploadState.Created, created.State);
        Assert.Equal(26, created.UploadId.Length);
        Assert.Equal(3, created.ChunkCount);
        Assert.Equal(500, created.GetChunkLength(2));
        Assert.Equal(0, created.NextChunkIndex);
        Assert.Equal("v", created.Metadata["k"]);

        var afterChunk = await client.UploadChunkAsync(created.UploadId, 2, content.AsMemory(2 * ChunkSize), cancellationToken);
        Assert.Equal(UploadState.Uploading, afterChunk.State);
        Assert.Equal(2, afterChunk.Chunk!.Index);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(content.AsSpan(2 * ChunkSize))), afterChunk.Chunk.Sha256);
        Assert.False(afterChunk.Chunk.Replaced);
        await client.UploadChunkAsync(created.UploadId, 0, content.AsMemory(0, ChunkSize), cancellationToken);
        var replaced = await client.UploadChunkAsync(created.UploadId, 0, content.AsMemory(0, ChunkSize), cancellationToken);
        Assert.True(replaced.Chunk!.Replaced);

        var status = await client.GetUploadAsync(created.UploadId, cancellationToken);
        Assert.Equal([new ChunkRange(0, 0), new ChunkRange(2, 2)], status.ReceivedChunks);
        Assert.Equal(1, status.NextChunkIndex);
        Assert.Null(status.Chunk);

        var incomplete = await Assert.ThrowsAsync<UploadsException>(() => client.CompleteUploadAsync(created.UploadId, cancellationToken));
        Assert.Equal(409, incomplete.Status);
        Assert.Equal(UploadsErrorCodes.UploadIncomplete, incomplete.ErrorCode);
        Assert.Equal([new ChunkRange(1, 1)], incomplete.MissingChunks);

        await client.UploadChunkAsync(created.UploadId, 1, content.AsMemory(ChunkSize, ChunkSize), cancellationToken);
        var completed = await client.CompleteUploadAsync(created.UploadId, cancellationToken);
        Assert.True(completed.Complete);
        Assert.Equal(UploadState.Completed, completed.State);
        Assert.Equal(TestFiles.ChunksSha256(content, ChunkSize), completed.Result!.ChunksSha256);
        Assert.Equal($"/v1/uploads/{created.UploadId}/content", completed.Result.Location);
        Assert.Equal(completed.Result.ChunksSha256, (await client.CompleteUploadAsync(created.UploadId, cancellationToken)).Result!.ChunksSha256);

        await using (var whole = await client.DownloadStreamingAsync(created.UploadId, cancellationToken: cancellationToken))
        {
            Assert.Equal(content.Length, whole.ContentLength);
            Assert.Equal("text/plain", whole.ContentType);
            Assert.Equal("api.bin", whole.FileName);
            Assert.Equal(completed.Result.ETag, whole.ETag);
            Assert.Equal(content, await ReadAllAsync(whole.Content, cancellationToken));
        }

        await using (var tail = await client.DownloadStreamingAsync(created.UploadId, offset: 1000, cancellationToken))
        {
            Assert.Equal(1000, tail.Offset);
            Assert.Equal(content.Length, tail.TotalLength);
            Assert.Equal(content.AsSpan(1000).ToArray(), await ReadAllAsync(tail.Content, cancellationToken));
        }

        var refused = await Assert.ThrowsAsync<UploadsException>(() => client.AbortUploadAsync(created.UploadId, cancellationToken));
        Assert.Equal(409, refused.Status);
        Assert.Equal(UploadsErrorCodes.InvalidState, refused.ErrorCode);
    }

    [Fact]
    public async Task CreateUpload_SameIdAgain_ReturnsTheUploadOrRefusesOtherParameters()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var client = fixture.CreateClient();
        var options = new CreateUploadOptions { FileName = "same.bin", Size = 1000, UploadId = "client-chosen.id_1" };

        var first = await client.CreateUploadAsync(options, cancellationToken);
        var again = await client.CreateUploadAsync(options, cancellationToken);
        options.Size = 2000;
        var conflict = await Assert.ThrowsAsync<UploadsException>(() => client.CreateUploadAsync(options, cancellationToken));

        Assert.Equal("client-chosen.id_1", first.UploadId);
        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Equal(409, conflict.Status);
        Assert.Equal(UploadsErrorCodes.UploadIdConflict, conflict.ErrorCode);
    }

    [Fact]
    public async Task Refusals_UnknownOrAbortedUpload_ThrowTypedProblemsAfterOneRequest()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var client = fixture.CreateRecordedClient(out var recorder);

        var notFound = await Assert.ThrowsAsync<UploadsException>(() => client.GetUploadAsync("no-such-upload", cancellationToken));
        Assert.Equal(404, notFound.Status);
        Assert.Equal(UploadsErrorCodes.NotFound, notFound.ErrorCode);
        Assert.False(string.IsNullOrEmpty(notFound.Detail));
        Assert.Single(recorder.Requests);

        var upload = await client.CreateUploadAsync(new CreateUploadOptions { FileName = "x.bin", Size = 10 }, cancellationToken);
        await client.AbortUploadAsync(upload.UploadId, cancellationToken);
        await client.AbortUploadAsync(upload.UploadId, cancellationToken);
        var before = recorder.Requests.Count;
        var gone = await Assert.ThrowsAsync<UploadsException>(() => client.UploadChunkAsync(upload.UploadId, 0, new byte[10], cancellationToken));
        Assert.Equal(410, gone.Status);
        Assert.Equal(UploadsErrorCodes.UploadAborted, gone.ErrorCode);
        Assert.Equal(before + 1, recorder.Requests.Count);

        var invalid = await Assert.ThrowsAsync<UploadsException>(
            () => client.CreateUploadAsync(new CreateUploadOptions { FileName = "x.bin", Size = 10, ChunkSize = 1 }, cancellationToken));
        Assert.Equal(400, invalid.Status);
        Assert.Equal(UploadsErrorCodes.ValidationError, invalid.ErrorCode);
    }

    [Fact]
    public async Task GetUploads_MorePagesThanOne_FollowsCursorsAndFiltersByState()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var client = fixture.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await client.CreateUploadAsync(new CreateUploadOptions { FileName = $"{i}.bin", Size = 10 }, cancellationToken)).UploadId);
        }

        await client.AbortUploadAsync(ids[1], cancellationToken);

        var firstPage = await client.GetUploadsPageAsync(limit: 2, cancellationToken: cancellationToken);
        Assert.Equal(2, firstPage.Items.Count);
        Assert.NotNull(firstPage.NextCursor);
        var all = new List<string>();
        await foreach (var upload in client.GetUploadsAsync(cancellationToken: cancellationToken))
        {
            all.Add(upload.UploadId);
        }

        var aborted = new List<string>();
        await foreach (var upload in client.GetUploadsAsync(UploadState.Aborted, cancellationToken))
        {
            aborted.Add(upload.UploadId);
        }

        Assert.Equal(ids.Order(), all.Order());
        Assert.Equal([ids[1]], aborted);
    }

    [Fact]
    public async Task DownloadToFileAsync_ConnectionBrokenMidway_ContinuesWithRangeAndVerifies()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("source.bin");
        var content = TestFiles.WriteRandom(path, (10 * ChunkSize) + 3);
        var upload = await fixture.CreateClient().UploadFileAsync(path, new UploadFileOptions { ChunkSize = ChunkSize }, cancellationToken: cancellationToken);
        BreakingDownloadHandler? breaking = null;
        var client = fixture.CreateClient(inner => breaking = new BreakingDownloadHandler(inner, breakAfter: (3 * ChunkSize) + 17));
        var reports = new List<DownloadProgress>();
        var copy = fixture.PathOf("copy.bin");

        var downloaded = await client.DownloadToFileAsync(upload.UploadId, copy, new SynchronousProgress<DownloadProgress>(reports.Add), cancellationToken);

        Assert.Equal(upload.Result!.ChunksSha256, downloaded.Result!.ChunksSha256);
        Assert.Equal(content, await File.ReadAllBytesAsync(copy, cancellationToken));
        Assert.False(File.Exists(copy + ".part"));
        Assert.Equal([null, $"bytes={(3 * ChunkSize) + 17}-"], breaking!.Ranges);
        Assert.Equal(content.Length, reports[^1].BytesReceived);
        Assert.Equal(1, reports[^1].Retries);
    }

    [Fact]
    public async Task DownloadToFileAsync_UploadNotCompleted_ThrowsInvalidStateAndWritesNothing()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var client = fixture.CreateClient();
        var upload = await client.CreateUploadAsync(new CreateUploadOptions { FileName = "open.bin", Size = 10 }, cancellationToken);
        var copy = fixture.PathOf("copy.bin");

        var exception = await Assert.ThrowsAsync<UploadsException>(() => client.DownloadToFileAsync(upload.UploadId, copy, cancellationToken: cancellationToken));

        Assert.Equal(409, exception.Status);
        Assert.Equal(UploadsErrorCodes.InvalidState, exception.ErrorCode);
        Assert.False(File.Exists(copy));
        Assert.False(File.Exists(copy + ".part"));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
