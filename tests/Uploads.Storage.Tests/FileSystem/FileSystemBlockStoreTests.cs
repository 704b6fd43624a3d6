using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.FileSystem;

namespace Uploads.Storage.Tests.FileSystem;

/// <summary>The block store contract against a fresh data folder per test, and what only the FileSystem provider promises.</summary>
public sealed class FileSystemBlockStoreTests : BlockStoreContractTests, IDisposable
{
    private static readonly BlobCommitOptions s_binary = new("application/octet-stream", new Dictionary<string, string>());

    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    protected override IBlockStore CreateStore() => CreateStore(TimeProvider.System);

    [Fact]
    public async Task StageBlock_WhileWriting_KeepsTheTempOutOfBlocksFolder()
    {
        var blob = NewBlobName();
        var id = BlockId(0);
        var bytes = RandomBytes(10_000);
        var content = new GatedStream(bytes, gateAt: 4_000);

        var staging = Store.StageBlockAsync(blob, id, content, bytes.Length);
        await content.Reached;

        Assert.Empty(FilesUnder("blocks"));
        Assert.Single(FilesUnder("tmp"));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));

        content.Open();
        await staging;

        Assert.Equal([Path.Combine("blocks", blob.Replace('/', Path.DirectorySeparatorChar) + ".blocks", id)], FilesUnder("blocks"));
        Assert.Empty(FilesUnder("tmp"));
    }

    [Fact]
    public async Task CommitBlockList_Committed_WritesBlockListBesideTheBlockFiles()
    {
        var blob = NewBlobName();
        var (ids, _) = await StageBlocksAsync(blob, [10, 20]);

        await Store.CommitBlockListAsync(blob, ids, s_binary);

        var folder = blob.Replace('/', Path.DirectorySeparatorChar);
        Assert.Equal([Path.Combine("blobs", folder + ".blob")], FilesUnder("blobs"));
        Assert.Equal(ids.Select(id => Path.Combine("blocks", folder + ".blocks", id)).Order(StringComparer.Ordinal), FilesUnder("blocks"));
        Assert.Empty(FilesUnder("tmp"));
    }

    [Fact]
    public async Task StageBlock_IdOfCommittedBlock_KeepsCommittedBytes()
    {
        var blob = NewBlobName();
        var id = BlockId(0);
        var committed = await StageAsync(blob, id, 100);
        await Store.CommitBlockListAsync(blob, [id], s_binary);

        await StageAsync(blob, id, 100);

        Assert.Equal(committed, await ReadAsync(blob, 0, 100));
        Assert.Empty(FilesUnder("tmp"));
    }

    [Fact]
    public async Task Delete_BlobWhoseFolderHoldsAnotherBlobsFolder_KeepsTheOtherBlob()
    {
        // The block folder of "x" is "x.blocks", and "x.blocks/inner" is a valid blob name of its own.
        var outer = NewBlobName();
        var inner = outer + ".blocks/inner";
        var (outerIds, _) = await StageBlocksAsync(outer, [10]);
        await Store.CommitBlockListAsync(outer, outerIds, s_binary);
        var (innerIds, innerBytes) = await StageBlocksAsync(inner, [30]);
        await Store.CommitBlockListAsync(inner, innerIds, s_binary);

        await Store.DeleteAsync(outer);

        Assert.Null(await Store.GetPropertiesAsync(outer));
        Assert.Equal(innerBytes, await ReadAsync(inner, 0, 30));
    }

    [Fact]
    public async Task CommitBlockList_TwoStoresOnOneRootRacing_CommitOneListOnly()
    {
        var blob = NewBlobName();
        var (ids, bytes) = await StageBlocksAsync(blob, [10, 20, 30]);
        var other = CreateStore(TimeProvider.System);

        var results = await Task.WhenAll(
            Task.Run(() => Store.CommitBlockListAsync(blob, ids, s_binary)),
            Task.Run(() => other.CommitBlockListAsync(blob, ids[..1], s_binary)));

        Assert.Equal(results[0].ETag, results[1].ETag);
        var read = await ReadAsync(blob, 0, results[0].Length);
        Assert.True(read.SequenceEqual(bytes) || read.SequenceEqual(bytes[..10]));
    }

    [Fact]
    public void Constructor_TmpLeftovers_DeletesOnlyThoseOlderThanAnHour()
    {
        var now = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var tmp = Path.Combine(_root.Path, "tmp");
        Directory.CreateDirectory(tmp);
        var stale = WriteTmpFile(tmp, "stale.tmp", now.AddHours(-2));
        var young = WriteTmpFile(tmp, "young.tmp", now.AddMinutes(-10));

        CreateStore(new ManualTimeProvider(now));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(young));
    }

    internal static string WriteTmpFile(string folder, string name, DateTimeOffset lastWrite)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, [1, 2, 3]);
        File.SetLastWriteTimeUtc(path, lastWrite.UtcDateTime);
        return path;
    }

    // Hard links are made on Linux and macOS only, and these tests read the link count with GNU stat; the suite runs on Linux.
    [Fact]
    public async Task StageBlockFromBlob_ExactlyOneSourceBlock_LinksItsFileInsteadOfCopying()
    {
        var source = NewBlobName();
        var sourceIds = new[] { BlockId(0), BlockId(1) };
        await StageAsync(source, sourceIds[0], 3_000);
        var bytes = await StageAsync(source, sourceIds[1], 10_000);
        await Store.CommitBlockListAsync(source, sourceIds, s_binary);
        var target = NewBlobName();
        var targetId = BlockId(0);

        await Store.StageBlockFromBlobAsync(target, targetId, source, 3_000, bytes.Length);

        // Two names of one file: the source's block and the target's.
        var sourceFile = BlockFile(source, sourceIds[1]);
        var targetFile = BlockFile(target, targetId);
        Assert.Equal(Stat(sourceFile, "%i"), Stat(targetFile, "%i"));
        Assert.Equal("2", Stat(targetFile, "%h"));
        Assert.Empty(FilesUnder("tmp"));

        await Store.DeleteAsync(source);
        await Store.CommitBlockListAsync(target, [targetId], s_binary);

        Assert.Equal("1", Stat(targetFile, "%h"));
        Assert.Equal(bytes, await ReadAsync(target, 0, bytes.Length));
    }

    [Fact]
    public async Task StageBlockFromBlob_PartOfASourceBlock_CopiesTheBytes()
    {
        var source = NewBlobName();
        var sourceId = BlockId(0);
        await StageAsync(source, sourceId, 10_000);
        await Store.CommitBlockListAsync(source, [sourceId], s_binary);
        var target = NewBlobName();
        var targetId = BlockId(0);

        await Store.StageBlockFromBlobAsync(target, targetId, source, 10, 5_000);

        var targetFile = BlockFile(target, targetId);
        Assert.Equal("1", Stat(targetFile, "%h"));
        Assert.Equal(5_000, new FileInfo(targetFile).Length);
        Assert.Equal("1", Stat(BlockFile(source, sourceId), "%h"));
    }

    [Fact]
    public async Task StageBlockFromBlob_BlockIdCommittedAlready_KeepsTheCommittedFile()
    {
        var source = NewBlobName();
        var sourceId = BlockId(0);
        await StageAsync(source, sourceId, 1_000);
        await Store.CommitBlockListAsync(source, [sourceId], s_binary);
        var target = NewBlobName();
        var targetId = BlockId(0);
        var committed = await StageAsync(target, targetId, 1_000);
        await Store.CommitBlockListAsync(target, [targetId], s_binary);

        // A stale retry: the committed blob must not change, whatever the bytes.
        await Store.StageBlockFromBlobAsync(target, targetId, source, 0, 1_000);

        Assert.Equal("1", Stat(BlockFile(target, targetId), "%h"));
        Assert.Equal(committed, await ReadAsync(target, 0, 1_000));
        Assert.Empty(FilesUnder("tmp"));
    }

    [Fact]
    public async Task WriteBack_FileInTheDataFolder_IsStartedOnLinuxOnly()
    {
        // The store starts writing each block back as it arrives; that must be a call this kernel and file system take.
        var path = Path.Combine(_root.Path, "write-back");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        await file.WriteAsync(RandomBytes(64 * 1024));

        var started = WriteBack.Start(file.SafeFileHandle, 0, 64 * 1024);

        Assert.Equal(OperatingSystem.IsLinux(), started);
        Assert.False(WriteBack.Start(file.SafeFileHandle, 0, 0));
    }

    private static string Stat(string path, string format)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    private string BlockFile(string blobName, string blockId) =>
        Path.Combine(_root.Path, "blocks", blobName.Replace('/', Path.DirectorySeparatorChar) + ".blocks", blockId);

    private FileSystemBlockStore CreateStore(TimeProvider timeProvider) =>
        new(new FileSystemStorageOptions { Root = _root.Path }, timeProvider, NullLogger<FileSystemBlockStore>.Instance);

    private string[] FilesUnder(string folder) =>
        [.. Directory.EnumerateFiles(Path.Combine(_root.Path, folder), "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_root.Path, path))
            .Order(StringComparer.Ordinal)];
}
