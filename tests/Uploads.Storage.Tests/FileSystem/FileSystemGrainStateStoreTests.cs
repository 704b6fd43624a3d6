using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.FileSystem;

namespace Uploads.Storage.Tests.FileSystem;

/// <summary>The state store contract against a fresh data folder per test, and what only the FileSystem provider promises.</summary>
public sealed class FileSystemGrainStateStoreTests : GrainStateStoreContractTests, IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    protected override IGrainStateStore CreateStore() => CreateStore(TimeProvider.System);

    [Fact]
    public async Task Write_TwoStoresOnOneRoot_LoseNoUpdate()
    {
        // Two instances share nothing in memory, so only the lock files keep them apart, as between two processes.
        const int WritersPerStore = 8;
        const int IncrementsEach = 25;
        var key = Key("counter");
        IGrainStateStore[] stores = [CreateStore(TimeProvider.System), CreateStore(TimeProvider.System)];

        await Task.WhenAll(stores.SelectMany(store => Enumerable.Range(0, WritersPerStore).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < IncrementsEach; i++)
            {
                await StateCounter.IncrementAsync(store, key);
            }
        }))));

        Assert.Equal(stores.Length * WritersPerStore * IncrementsEach, await StateCounter.ReadAsync(Store, key));
    }

    [Fact]
    public async Task Write_SeveralProcessesOnOneRoot_LoseNoUpdate()
    {
        const int Processes = 2;
        const int IncrementsPerProcess = 40;
        const int LocalWriters = 4;
        const int IncrementsPerLocalWriter = 10;
        var key = Key("counter");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var workers = new List<CrossProcessWorker>();
        try
        {
            for (var i = 0; i < Processes; i++)
            {
                workers.Add(CrossProcessWorker.Start(_root.Path, key, IncrementsPerProcess));
            }

            // Every worker has opened the store before any of them starts, so the writers overlap.
            foreach (var worker in workers)
            {
                await worker.WaitUntilReadyAsync(timeout.Token);
            }

            foreach (var worker in workers)
            {
                await worker.GoAsync(timeout.Token);
            }

            var local = Enumerable.Range(0, LocalWriters).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < IncrementsPerLocalWriter; i++)
                {
                    await StateCounter.IncrementAsync(Store, key, timeout.Token);
                }
            }));
            await Task.WhenAll(local);

            foreach (var worker in workers)
            {
                var (exitCode, errors) = await worker.WaitForExitAsync(timeout.Token);
                Assert.True(exitCode == 0, $"A worker process failed with exit code {exitCode}: {errors}");
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }

        Assert.Equal((Processes * IncrementsPerProcess) + (LocalWriters * IncrementsPerLocalWriter), await StateCounter.ReadAsync(Store, key));
    }

    [Fact]
    public async Task Read_DuringWrites_SeesOnlyWholeVersions()
    {
        // Version n is n bytes of value n, so a torn or mixed read is visible.
        var key = Key("record");
        var etag = await Store.WriteAsync(key, new byte[] { 1 }, etag: null);
        var writing = Task.Run(async () =>
        {
            for (var n = 2; n <= 200; n++)
            {
                etag = await Store.WriteAsync(key, Enumerable.Repeat((byte)n, n).ToArray(), etag);
            }
        });

        while (!writing.IsCompleted)
        {
            var entry = await Store.ReadAsync(key);
            Assert.NotNull(entry);
            var n = entry.Data.Length;
            Assert.All(entry.Data, b => Assert.Equal((byte)n, b));
        }

        await writing;
    }

    [Fact]
    public async Task WriteAndDelete_Completed_LeaveOnlyRecordFilesAndNoTemps()
    {
        var etag = await Store.WriteAsync(Key("a"), Bytes("1"), etag: null);
        await Store.WriteAsync(Key("a"), Bytes("2"), etag);
        await Store.WriteAsync(Key("b/c"), Bytes("3"), etag: null);
        await Store.WriteAsync(Key("d"), Bytes("4"), etag: null);
        await Store.DeleteAsync(Key("d"), etag: null);
        await Assert.ThrowsAsync<StorageException>(() => Store.WriteAsync(Key("b/c"), Bytes("5"), etag: null));

        var state = Path.Combine(_root.Path, "state");
        var files = Directory.EnumerateFiles(state, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(state, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal([Key("a") + ".state", Key("b/c") + ".state"], files);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "tmp")));
    }

    [Fact]
    public void Constructor_TmpLeftovers_DeletesOnlyThoseOlderThanAnHour()
    {
        var now = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var tmp = Path.Combine(_root.Path, "tmp");
        Directory.CreateDirectory(tmp);
        var stale = FileSystemBlockStoreTests.WriteTmpFile(tmp, "stale.tmp", now.AddMinutes(-61));
        var young = FileSystemBlockStoreTests.WriteTmpFile(tmp, "young.tmp", now.AddMinutes(-59));

        CreateStore(new ManualTimeProvider(now));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(young));
    }

    private FileSystemGrainStateStore CreateStore(TimeProvider timeProvider) =>
        new(new FileSystemStorageOptions { Root = _root.Path }, timeProvider, NullLogger<FileSystemGrainStateStore>.Instance);
}
