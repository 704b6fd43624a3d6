using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Gateway.Tests.Infrastructure;
using Uploads.Storage;
using Uploads.Testing;

namespace Uploads.Gateway.Tests;

public sealed class StorageUnavailableTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;

    [Fact]
    public async Task PutChunk_StoreFailsToStage_Returns503ThenSucceedsOnceRecovered()
    {
        await using var app = new UploadsApplication(configureServices: WrapBlockStore);
        using var client = app.CreateApiClient();
        var store = (FaultyBlockStore)app.Services.GetRequiredService<IBlockStore>();
        var chunk = TestPayload.Bytes(ChunkSize);
        var uploadId = await client.CreateUploadAsync(2 * ChunkSize);
        store.FailStaging = true;

        using var failed = await client.PutChunkAsync(uploadId, 0, chunk);

        await AssertUnavailableAsync(failed);
        Assert.Equal(0, (await client.GetUploadAsync(uploadId)).GetProperty("receivedChunkCount").GetInt32());
        store.FailStaging = false;
        var upload = await client.PutChunkOkAsync(uploadId, 0, chunk);
        Assert.Equal("[[0,0]]", upload.GetProperty("receivedChunks").GetRawText());
        Assert.False(upload.GetProperty("chunk").GetProperty("replaced").GetBoolean());
    }

    [Fact]
    public async Task Complete_StoreFailsToCommit_Returns503ThenSucceedsOnceRecovered()
    {
        await using var app = new UploadsApplication(configureServices: WrapBlockStore);
        using var client = app.CreateApiClient();
        var store = (FaultyBlockStore)app.Services.GetRequiredService<IBlockStore>();
        var file = TestPayload.Bytes((2 * ChunkSize) + 3);
        var uploadId = await client.CreateUploadAsync(file.Length);
        await client.PutAllChunksAsync(uploadId, file);
        store.FailCommits = true;

        using var failed = await client.PostCompleteAsync(uploadId);

        await AssertUnavailableAsync(failed);
        store.FailCommits = false;
        var upload = await client.CompleteAsync(uploadId);
        Assert.Equal("completed", upload.GetProperty("state").GetString());
        Assert.Equal(TestPayload.ChunksSha256(TestPayload.Chunks(file, ChunkSize)), upload.GetProperty("result").GetProperty("chunksSha256").GetString());
        Assert.Equal(file, await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content"));
    }

    [Fact]
    public async Task Abort_StoreFailsToRelease_Returns503AndStaysAbortable()
    {
        await using var app = new UploadsApplication(configureServices: WrapBlockStore);
        using var client = app.CreateApiClient();
        var store = (FaultyBlockStore)app.Services.GetRequiredService<IBlockStore>();
        var uploadId = await client.CreateUploadAsync(2 * ChunkSize);
        await client.PutChunkOkAsync(uploadId, 0, TestPayload.Bytes(ChunkSize));
        store.FailDeletes = true;

        using var failed = await client.DeleteAsync($"/v1/uploads/{uploadId}");

        await AssertUnavailableAsync(failed);
        store.FailDeletes = false;
        using var retried = await client.DeleteAsync($"/v1/uploads/{uploadId}");
        await retried.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("aborted", (await client.GetUploadAsync(uploadId)).GetProperty("state").GetString());
    }

    // Fault injection around the real store: only the operations a test switches off fail.
    private static void WrapBlockStore(IServiceCollection services)
    {
        var real = services.Last(descriptor => descriptor.ServiceType == typeof(IBlockStore));
        services.Remove(real);
        services.AddSingleton<IBlockStore>(provider => new FaultyBlockStore(
            real.ImplementationInstance as IBlockStore ??
            (IBlockStore?)real.ImplementationFactory?.Invoke(provider) ??
            (IBlockStore)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(response.Headers.RetryAfter.Delta > TimeSpan.Zero || response.Headers.RetryAfter.Date is not null);
    }
}
