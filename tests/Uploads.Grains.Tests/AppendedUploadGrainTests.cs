using System.Globalization;
using System.Security.Cryptography;
using Uploads.Abstractions;
using Uploads.Testing;

namespace Uploads.Grains.Tests;

public sealed class AppendedUploadGrainTests : IAsyncLifetime
{
    private const int PartSize = 1024;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "uploads-append-tests-" + Guid.NewGuid().ToString("N"));
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
    public async Task Append_ManyPagesOfParts_IsReadBackByANewActivationAndCompletes()
    {
        var file = RandomBytes(150 * PartSize);
        var first = await StartSiloAsync();
        await first.Upload("u1").CreateAsync(Command(file.Length));
        for (var i = 0; i < 140; i++)
        {
            await AppendAsync(first, "u1", i * PartSize, file.AsSpan(i * PartSize, PartSize).ToArray());
        }

        // Another silo on the same store reads the pages back: 140 parts across three pages.
        var second = await StartSiloAsync();
        var resumed = await second.Upload("u1").GetAsync();
        for (var i = 140; i < 150; i++)
        {
            await AppendAsync(second, "u1", i * PartSize, file.AsSpan(i * PartSize, PartSize).ToArray());
        }

        var completed = await second.Upload("u1").GetAsync();
        Assert.Equal(140 * PartSize, resumed.ReceivedBytes);
        Assert.Equal(140, resumed.ChunkCount);
        Assert.Equal(UploadState.Uploading, resumed.State);
        Assert.Equal(UploadState.Completed, completed.State);
        Assert.Equal(150, completed.ChunkCount);
        Assert.Equal(file, await ReadBlobAsync(second, completed));
    }

    [Fact]
    public async Task Append_AtAStaleOffset_IsOffsetMismatch()
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1").CreateAsync(Command(10 * PartSize));
        await AppendAsync(silo, "u1", 0, RandomBytes(PartSize));

        var error = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").BeginAppendAsync(0));

        Assert.Equal(UploadErrorCodes.OffsetMismatch, error.Code);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(64)]
    public async Task TwoActivations_BothAppendAtTheSameOffset_OnlyOneIsKept(int partsBefore)
    {
        // Two silos sharing one store both hold an activation, as during a membership change; the second one's view
        // is stale after the first appends (at a page boundary, the second would create the page the first created).
        var siloA = await StartSiloAsync();
        var siloB = await StartSiloAsync();
        var size = 100 * PartSize;
        await siloA.Upload("u1").CreateAsync(Command(size));
        for (var i = 0; i < partsBefore; i++)
        {
            await AppendAsync(siloA, "u1", i * PartSize, RandomBytes(PartSize));
        }

        var offset = partsBefore * PartSize;
        var targetB = await siloB.Upload("u1").BeginAppendAsync(offset);
        var winner = RandomBytes(PartSize);
        await AppendAsync(siloA, "u1", offset, winner);
        var loser = RandomBytes(PartSize);
        var loserBlock = BlockIds.New(targetB.NextIndex);
        await siloB.Blocks.StageBlockAsync(targetB.BlobName, loserBlock, new MemoryStream(loser), loser.Length);

        var error = await Assert.ThrowsAsync<UploadException>(() => siloB.Upload("u1").CommitAppendAsync(
            new AppendCommit(offset, [new AppendedBlock(loserBlock, loser.Length, SHA256.HashData(loser))])));

        Assert.Equal(UploadErrorCodes.OffsetMismatch, error.Code);
        var upload = await siloB.Upload("u1").GetAsync();
        Assert.Equal(offset + PartSize, upload.ReceivedBytes);
    }

    [Fact]
    public async Task DeferredLength_DeclaredWithTheLastAppend_Completes()
    {
        var silo = await StartSiloAsync();
        var file = RandomBytes(3 * PartSize);
        await silo.Upload("u1").CreateAsync(Command(0) with { SizeDeferred = true });
        await AppendAsync(silo, "u1", 0, file[..PartSize]);
        var pending = await silo.Upload("u1").GetAsync();

        var completed = await AppendAsync(silo, "u1", PartSize, file[PartSize..(2 * PartSize)], file[(2 * PartSize)..], length: file.Length);

        Assert.True(pending.SizeDeferred);
        Assert.Equal(UploadState.Uploading, pending.State);
        Assert.False(completed.SizeDeferred);
        Assert.Equal(UploadState.Completed, completed.State);
        Assert.Equal(file, await ReadBlobAsync(silo, completed));
    }

    [Fact]
    public async Task Append_PartLargerThanThePartSize_IsRefused()
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1").CreateAsync(Command(10 * PartSize));

        await Assert.ThrowsAsync<ArgumentException>(() => AppendAsync(silo, "u1", 0, RandomBytes(PartSize + 1)));

        Assert.Equal(0, (await silo.Upload("u1").GetAsync()).ReceivedBytes);
    }

    [Fact]
    public async Task ChunkedOperations_OnAnAppendedUpload_AreInvalidState()
    {
        var silo = await StartSiloAsync();
        await silo.Upload("u1").CreateAsync(Command(10 * PartSize));

        var begin = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").BeginChunkAsync(0, PartSize));
        var complete = await Assert.ThrowsAsync<UploadException>(() => silo.Upload("u1").CompleteAsync());

        Assert.Equal(UploadErrorCodes.InvalidState, begin.Code);
        Assert.Equal(UploadErrorCodes.InvalidState, complete.Code);
    }

    private async Task<InProcessSilo> StartSiloAsync()
    {
        var silo = await InProcessSilo.StartAsync(_root, _clock);
        _silos.Add(silo);
        return silo;
    }

    private static CreateUploadCommand Command(long size) =>
        new("movie.mp4", "video/mp4", size, PartSize, new Dictionary<string, string>(), UploadWriteMode.Append);

    private static async Task<UploadSnapshot> AppendAsync(InProcessSilo silo, string uploadId, long offset, byte[] first, byte[]? second = null, long? length = null)
    {
        var grain = silo.Upload(uploadId);
        var target = await grain.BeginAppendAsync(offset);
        var blocks = new List<AppendedBlock>();
        var index = target.NextIndex;
        foreach (var bytes in second is null ? [first] : new[] { first, second })
        {
            var blockId = BlockIds.New(index++);
            await silo.Blocks.StageBlockAsync(target.BlobName, blockId, new MemoryStream(bytes), bytes.Length);
            blocks.Add(new AppendedBlock(blockId, bytes.Length, SHA256.HashData(bytes)));
        }

        return await grain.CommitAppendAsync(new AppendCommit(offset, blocks, length));
    }

    private static async Task<byte[]> ReadBlobAsync(InProcessSilo silo, UploadSnapshot upload)
    {
        await using var stream = await silo.Blocks.OpenReadAsync(upload.BlobName, 0, upload.Result!.Size);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
