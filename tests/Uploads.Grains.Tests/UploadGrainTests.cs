using System.Globalization;
using System.Security.Cryptography;
using Uploads.Abstractions;
using Uploads.Storage;
using Uploads.Testing;

namespace Uploads.Grains.Tests;

public sealed class UploadGrainTests : IAsyncLifetime
{
    private const int ChunkSize = 64 * 1024;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "uploads-grain-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-22T08:00:00Z", CultureInfo.InvariantCulture));
    private readonly List<InProcessSilo> _silos = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Create_NewId_IsCreatedWithPlanAndExpiry()
    {
        var silo = await StartSiloAsync();

        var result = await silo.Upload("u1").CreateAsync(Command(size: (3 * ChunkSize) + 10));

        Assert.True(result.Created);
        var upload = result.Upload;
        Assert.Equal(UploadState.Created, upload.State);
        Assert.Equal(4, upload.ChunkCount);
        Assert.Equal(0, upload.NextChunkIndex);
        Assert.Empty(upload.ReceivedChunks);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromHours(24), upload.ExpiresAt);
    }

    [Fact]
    public async Task Create_SameIdSameParameters_ReturnsExistingUpload()
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1").CreateAsync(Command(size: ChunkSize));

        var again = await silo.Upload("u1").CreateAsync(Command(size: ChunkSize));

        Assert.False(again.Created);
    }

    [Fact]
    public async Task Create_SameIdOtherParameters_IsUploadIdConflict()
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1").CreateAsync(Command(size: ChunkSize));

        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").CreateAsync(Command(size: ChunkSize + 1)));

        Assert.Equal(UploadErrorCodes.UploadIdConflict, error.Code);
    }

    [Fact]
    public async Task Get_UnknownUpload_IsNotFound()
    {
        var silo = await StartSiloAsync();

        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("nope").GetAsync());

        Assert.Equal(UploadErrorCodes.NotFound, error.Code);
    }

    [Fact]
    public async Task Get_OtherTenantsUpload_IsNotFound()
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1", tenant: "tenant-a").CreateAsync(Command(size: ChunkSize));

        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1", tenant: "tenant-b").GetAsync());

        Assert.Equal(UploadErrorCodes.NotFound, error.Code);
    }

    [Theory]
    [InlineData(-1, ChunkSize, UploadErrorCodes.InvalidChunk)]
    [InlineData(3, 10, UploadErrorCodes.InvalidChunk)]
    [InlineData(0, ChunkSize - 1, UploadErrorCodes.ChunkSizeMismatch)]
    [InlineData(2, ChunkSize, UploadErrorCodes.ChunkSizeMismatch)]
    [InlineData(2, 9, UploadErrorCodes.ChunkSizeMismatch)]
    public async Task BeginChunk_InvalidIndexOrSize_IsRefused(int index, long length, string code)
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1").CreateAsync(Command(size: (2 * ChunkSize) + 10));

        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").BeginChunkAsync(index, length));

        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task CommitChunk_ChunksInAnyOrder_ReportsRangesBytesAndNextIndex()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes((5 * ChunkSize) + 100);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));

        await SendChunkAsync(silo, "u1", file, 4);
        await SendChunkAsync(silo, "u1", file, 0);
        var upload = (await SendChunkAsync(silo, "u1", file, 1)).Upload;

        Assert.Equal(UploadState.Uploading, upload.State);
        Assert.Equal([new ChunkRange(0, 1), new ChunkRange(4, 4)], upload.ReceivedChunks);
        Assert.Equal(3, upload.ReceivedChunkCount);
        Assert.Equal((2 * ChunkSize) + ChunkSize, upload.ReceivedBytes);
        Assert.Equal(2, upload.NextChunkIndex);
    }

    [Fact]
    public async Task CommitChunk_SameChunkAgain_ReplacesItAndCountsItOnce()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(2 * ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);

        var again = await SendChunkAsync(silo, "u1", file, 0);

        Assert.True(again.Replaced);
        Assert.Equal(1, again.Upload.ReceivedChunkCount);
        Assert.Equal(ChunkSize, again.Upload.ReceivedBytes);
    }

    [Fact]
    public async Task CommitChunk_ConcurrentCopiesOfOneChunk_LeaveExactlyOneWholeCopy()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(2 * ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 1);
        var copies = Enumerable.Range(0, 8).Select(_ => RandomBytes(ChunkSize)).ToArray();

        var results = await Task.WhenAll(copies.Select(copy => SendChunkAsync(silo, "u1", copy, 0, chunkBytes: copy)));
        var upload = await silo.Upload("u1").CompleteAsync();

        Assert.Equal(7, results.Count(r => r.Replaced));
        Assert.Equal(2 * ChunkSize, upload.ReceivedBytes);
        var content = await ReadBlobAsync(silo, upload);
        Assert.Contains(copies, copy => copy.AsSpan().SequenceEqual(content.AsSpan(0, ChunkSize)));
        Assert.True(content.AsSpan(ChunkSize).SequenceEqual(file.AsSpan(ChunkSize)));
    }

    [Fact]
    public async Task Complete_ChunksMissing_IsUploadIncompleteWithRangesAndChangesNothing()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(6 * ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        await SendChunkAsync(silo, "u1", file, 3);

        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").CompleteAsync());

        Assert.Equal(UploadErrorCodes.UploadIncomplete, error.Code);
        Assert.Equal([new ChunkRange(1, 2), new ChunkRange(4, 5)], error.MissingChunks);
        Assert.Equal(UploadState.Uploading, (await silo.Upload("u1").GetAsync()).State);
    }

    [Fact]
    public async Task Complete_AllChunks_CommitsThemInIndexOrderWithChunksSha256()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes((3 * ChunkSize) + 7);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        foreach (var index in new[] { 3, 1, 0, 2 })
        {
            await SendChunkAsync(silo, "u1", file, index);
        }

        var upload = await silo.Upload("u1").CompleteAsync();

        Assert.Equal(UploadState.Completed, upload.State);
        Assert.NotNull(upload.Result);
        Assert.Equal(file.Length, upload.Result.Size);
        Assert.Equal(ExpectedChunksSha256(file, 4), upload.Result.ChunksSha256);
        Assert.Equal(file, await ReadBlobAsync(silo, upload));
        Assert.Null(upload.ExpiresAt);
    }

    [Fact]
    public async Task Complete_EmptyUpload_CommitsEmptyBlob()
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1").CreateAsync(Command(size: 0));

        var upload = await silo.Upload("u1").CompleteAsync();

        Assert.Equal(UploadState.Completed, upload.State);
        Assert.Equal(0, upload.Result!.Size);
        Assert.Null(upload.NextChunkIndex);
    }

    [Fact]
    public async Task Complete_Twice_ReturnsSameResult()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        var first = await silo.Upload("u1").CompleteAsync();

        var second = await silo.Upload("u1").CompleteAsync();

        Assert.Equal(first.Result, second.Result);
    }

    [Fact]
    public async Task Completed_ChunkOrAbort_IsInvalidState()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        await silo.Upload("u1").CompleteAsync();

        var chunk = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").BeginChunkAsync(0, ChunkSize));
        var abort = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").AbortAsync());

        Assert.Equal(UploadErrorCodes.InvalidState, chunk.Code);
        Assert.Equal(UploadErrorCodes.InvalidState, abort.Code);
    }

    [Fact]
    public async Task Complete_StoreFailsDuringCommit_StaysCompletingAndNextCallFinishesIt()
    {
        FaultyBlockStore? faulty = null;
        var silo = await StartSiloAsync(decorateBlocks: inner => faulty = new FaultyBlockStore(inner));
        var file = RandomBytes(2 * ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        await SendChunkAsync(silo, "u1", file, 1);
        faulty!.FailCommits = true;

        var error = await Assert.ThrowsAsync<StorageException>(() => silo.Upload("u1").CompleteAsync());
        faulty.FailCommits = false;
        var other = await StartSiloAsync();
        var upload = await other.Upload("u1").GetAsync();

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.Equal(UploadState.Completed, upload.State);
        Assert.Equal(file, await ReadBlobAsync(other, upload));
    }

    [Fact]
    public async Task Abort_OpenUpload_ReleasesBytesAndRefusesChunks()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(2 * ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);

        await silo.Upload("u1").AbortAsync();
        await silo.Upload("u1").AbortAsync();

        var upload = await silo.Upload("u1").GetAsync();
        Assert.Equal(UploadState.Aborted, upload.State);
        Assert.Empty(await silo.Blocks.ListStagedBlocksAsync(upload.BlobName));
        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").BeginChunkAsync(1, ChunkSize));
        Assert.Equal(UploadErrorCodes.UploadAborted, error.Code);
    }

    [Fact]
    public async Task Terminate_CompletedUpload_EndsItAndReleasesTheFile()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        var completed = await silo.Upload("u1").CompleteAsync();

        await silo.Upload("u1").TerminateAsync();
        await silo.Upload("u1").TerminateAsync();

        var upload = await silo.Upload("u1").GetAsync();
        Assert.Equal(UploadState.Aborted, upload.State);
        Assert.Null(upload.Result);
        Assert.Null(await silo.Blocks.GetPropertiesAsync(completed.BlobName));
        var complete = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").CompleteAsync());
        Assert.Equal(UploadErrorCodes.UploadAborted, complete.Code);
    }

    [Fact]
    public async Task Terminate_StoreCannotRelease_FailsAndReleasesTheFileOnRetry()
    {
        FaultyBlockStore? faulty = null;
        var silo = await StartSiloAsync(decorateBlocks: inner => faulty = new FaultyBlockStore(inner));
        var file = RandomBytes(ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        var completed = await silo.Upload("u1").CompleteAsync();
        faulty!.FailDeletes = true;

        await Assert.ThrowsAsync<StorageException>(() => silo.Upload("u1").TerminateAsync());
        var afterFailure = await silo.Upload("u1").GetAsync();
        faulty.FailDeletes = false;
        await silo.Upload("u1").TerminateAsync();

        Assert.Equal(UploadState.Aborted, afterFailure.State);
        Assert.Null(await silo.Blocks.GetPropertiesAsync(completed.BlobName));
    }

    [Fact]
    public async Task Abort_StoreCannotRelease_FailsAndStaysAbortableUntilReleased()
    {
        FaultyBlockStore? faulty = null;
        var silo = await StartSiloAsync(decorateBlocks: inner => faulty = new FaultyBlockStore(inner));
        var file = RandomBytes(ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        faulty!.FailDeletes = true;

        await Assert.ThrowsAsync<StorageException>(() => silo.Upload("u1").AbortAsync());
        var staged = await silo.Blocks.ListStagedBlocksAsync((await silo.Upload("u1").GetAsync()).BlobName);
        faulty.FailDeletes = false;
        await silo.Upload("u1").AbortAsync();

        Assert.Single(staged);
        var upload = await silo.Upload("u1").GetAsync();
        Assert.Equal(UploadState.Aborted, upload.State);
        Assert.Empty(await silo.Blocks.ListStagedBlocksAsync(upload.BlobName));
    }

    [Fact]
    public async Task Expiry_NoChunkWithinTtl_ExpiresReleasesAndRefuses()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(2 * ChunkSize);
        await silo.Upload("u1").CreateAsync(Command(size: file.Length));
        await SendChunkAsync(silo, "u1", file, 0);
        _clock.Advance(TimeSpan.FromHours(23));
        await SendChunkAsync(silo, "u1", file, 0);
        _clock.Advance(TimeSpan.FromHours(23));

        var stillOpen = await silo.Upload("u1").GetAsync();
        _clock.Advance(TimeSpan.FromHours(2));
        var expired = await silo.Upload("u1").GetAsync();
        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").BeginChunkAsync(1, ChunkSize));

        Assert.Equal(UploadState.Uploading, stillOpen.State);
        Assert.Equal(UploadState.Expired, expired.State);
        Assert.Equal(UploadErrorCodes.UploadExpired, error.Code);
        Assert.Empty(await silo.Blocks.ListStagedBlocksAsync(expired.BlobName));
    }

    [Fact]
    public async Task Restart_AcknowledgedChunks_AreReadBackByNewActivation()
    {
        var file = RandomBytes((UploadPartPage.Size + 3) * ChunkSize);
        await using (var first = await InProcessSilo.StartAsync(_root, _clock))
        {
            await first.Upload("u1").CreateAsync(Command(size: file.Length));
            foreach (var index in new[] { 0, 5, UploadPartPage.Size, UploadPartPage.Size + 2 })
            {
                await SendChunkAsync(first, "u1", file, index);
            }
        }

        var second = await StartSiloAsync();
        var upload = await second.Upload("u1").GetAsync();

        Assert.Equal(
            [new ChunkRange(0, 0), new ChunkRange(5, 5), new ChunkRange(UploadPartPage.Size, UploadPartPage.Size), new ChunkRange(UploadPartPage.Size + 2, UploadPartPage.Size + 2)],
            upload.ReceivedChunks);
    }

    [Fact]
    public async Task TwoActivations_StaleOneRacesCompletion_NoAcknowledgedChunkIsLost()
    {
        // Two silos sharing one store both hold an activation of the upload, as during a membership change.
        var siloA = await StartSiloAsync();
        var siloB = await StartSiloAsync();
        var file = RandomBytes(3 * ChunkSize);
        await siloA.Upload("u1").CreateAsync(Command(size: file.Length));
        for (var i = 0; i < 3; i++)
        {
            await SendChunkAsync(siloA, "u1", file, i);
        }

        await siloB.Upload("u1").GetAsync();

        // A replaces chunk 0 behind B's back; B's view of that page is now stale.
        var replacement = RandomBytes(ChunkSize);
        var replaced = await SendChunkAsync(siloA, "u1", replacement, 0, chunkBytes: replacement);
        var completed = await siloB.Upload("u1").CompleteAsync();

        // A still believes the upload open; its next commit meets the sealed page and reloads.
        var late = await Assert.ThrowsAsync<UploadException>(() => SendChunkAsync(siloA, "u1", file, 1));

        Assert.True(replaced.Replaced);
        Assert.Equal(UploadState.Completed, completed.State);
        var content = await ReadBlobAsync(siloB, completed);
        Assert.True(content.AsSpan(0, ChunkSize).SequenceEqual(replacement));
        Assert.Equal(UploadErrorCodes.InvalidState, late.Code);
    }

    private async Task<InProcessSilo> StartSiloAsync(Func<IBlockStore, IBlockStore>? decorateBlocks = null)
    {
        var silo = await InProcessSilo.StartAsync(_root, _clock, decorateBlocks);
        _silos.Add(silo);
        return silo;
    }

    private static CreateUploadCommand Command(long size) =>
        new("movie.mp4", "video/mp4", size, ChunkSize, new Dictionary<string, string> { ["project"] = "p-1" });

    private static async Task<ChunkCommitResult> SendChunkAsync(InProcessSilo silo, string uploadId, byte[] file, int index, byte[]? chunkBytes = null)
    {
        var bytes = chunkBytes ?? file.AsSpan(index * ChunkSize, Math.Min(ChunkSize, file.Length - (index * ChunkSize))).ToArray();
        var grain = silo.Upload(uploadId);
        var target = await grain.BeginChunkAsync(index, bytes.Length);
        await silo.Blocks.StageBlockAsync(target.BlobName, target.BlockId, new MemoryStream(bytes), bytes.Length);
        return await grain.CommitChunkAsync(new ChunkCommit(index, target.BlockId, bytes.Length, SHA256.HashData(bytes)));
    }

    private static async Task<byte[]> ReadBlobAsync(InProcessSilo silo, UploadSnapshot upload)
    {
        await using var stream = await silo.Blocks.OpenReadAsync(upload.BlobName, 0, upload.Result!.Size);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string ExpectedChunksSha256(byte[] file, int chunkCount)
    {
        var digests = new List<byte>();
        for (var i = 0; i < chunkCount; i++)
        {
            var start = i * ChunkSize;
            digests.AddRange(SHA256.HashData(file.AsSpan(start, Math.Min(ChunkSize, file.Length - start))));
        }

        return Convert.ToBase64String(SHA256.HashData(digests.ToArray()));
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
