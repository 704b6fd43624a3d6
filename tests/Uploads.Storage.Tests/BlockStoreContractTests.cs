using System.Security.Cryptography;

namespace Uploads.Storage.Tests;

/// <summary>
/// What every <see cref="IBlockStore"/> must do. A provider's test class derives from this one and only says how to
/// make the store; every test uses blob names of its own, so the suite also runs against shared storage (Azurite).
/// </summary>
public abstract class BlockStoreContractTests
{
    // Odd sizes, so reads cross block boundaries at awkward places: [0,1) [1,1001) [1001,71001) [71001,71004) [71004,76004).
    private static readonly int[] s_blockSizes = [1, 1_000, 70_000, 3, 5_000];
    private const int TotalSize = 76_004;

    private static readonly BlobCommitOptions s_binary = new("application/octet-stream", new Dictionary<string, string>());

    private IBlockStore? _store;

    /// <summary>The store under test, made on first use; xunit makes a new test class instance for every test.</summary>
    protected IBlockStore Store => _store ??= CreateStore();

    /// <summary>Makes the store under test.</summary>
    protected abstract IBlockStore CreateStore();

    [Fact]
    public async Task CommitBlockList_SeveralBlocks_ReadsBackWholeBlob()
    {
        var blob = NewBlobName();
        var (ids, bytes) = await StageBlocksAsync(blob, s_blockSizes);

        var properties = await Store.CommitBlockListAsync(blob, ids, s_binary);

        Assert.Equal(TotalSize, properties.Length);
        Assert.Equal(bytes, await ReadAsync(blob, 0, TotalSize));
    }

    [Theory]
    [InlineData(0, TotalSize)]
    [InlineData(0, 1)]
    [InlineData(1, 1_000)]
    [InlineData(1, 1_001)]
    [InlineData(500, 70_000)]
    [InlineData(71_000, 5)]
    [InlineData(71_004, 5_000)]
    [InlineData(TotalSize - 1, 1)]
    [InlineData(0, 0)]
    [InlineData(1_001, 0)]
    [InlineData(TotalSize, 0)]
    public async Task OpenRead_RangeInsideBlob_ReturnsThoseBytes(int offset, int length)
    {
        var blob = NewBlobName();
        var (ids, bytes) = await StageBlocksAsync(blob, s_blockSizes);
        await Store.CommitBlockListAsync(blob, ids, s_binary);

        var read = await ReadAsync(blob, offset, length);

        Assert.Equal(bytes.AsSpan(offset, length).ToArray(), read);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(0, TotalSize + 1)]
    [InlineData(1, TotalSize)]
    [InlineData(TotalSize, 1)]
    [InlineData(TotalSize + 1, 0)]
    public async Task OpenRead_RangeOutsideBlob_ThrowsArgumentOutOfRange(long offset, long length)
    {
        var blob = NewBlobName();
        var (ids, _) = await StageBlocksAsync(blob, s_blockSizes);
        await Store.CommitBlockListAsync(blob, ids, s_binary);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(blob, offset, length));
    }

    [Fact]
    public async Task CommitBlockList_OrderDiffersFromStagingOrder_FollowsListOrder()
    {
        var blob = NewBlobName();
        var (a, b, c) = (BlockId(0), BlockId(1), BlockId(2));
        var first = await StageAsync(blob, a, 300);
        var second = await StageAsync(blob, b, 200);
        var third = await StageAsync(blob, c, 100);

        await Store.CommitBlockListAsync(blob, [c, a, b], s_binary);

        byte[] expected = [.. third, .. first, .. second];
        Assert.Equal(expected, await ReadAsync(blob, 0, 600));
    }

    [Fact]
    public async Task CommitBlockList_IndexRestagedWithNewBlockId_HasLatestBytesOnly()
    {
        var blob = NewBlobName();
        var firstAttempt = BlockId(0);
        var secondAttempt = BlockId(0);
        var next = BlockId(1);
        await StageAsync(blob, firstAttempt, 100);
        var latest = await StageAsync(blob, secondAttempt, 120);
        var tail = await StageAsync(blob, next, 50);

        var properties = await Store.CommitBlockListAsync(blob, [secondAttempt, next], s_binary);

        Assert.Equal(170, properties.Length);
        byte[] expected = [.. latest, .. tail];
        Assert.Equal(expected, await ReadAsync(blob, 0, 170));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Fact]
    public async Task StageBlock_SameIdTwice_KeepsOneWholeCopy()
    {
        var blob = NewBlobName();
        var id = BlockId(0);
        await StageAsync(blob, id, 100);
        var second = await StageAsync(blob, id, 80);

        var staged = Assert.Single(await Store.ListStagedBlocksAsync(blob));
        Assert.Equal(new StagedBlock(id, 80), staged);

        await Store.CommitBlockListAsync(blob, [id], s_binary);
        Assert.Equal(second, await ReadAsync(blob, 0, 80));
    }

    [Fact]
    public async Task StageBlock_SameIdsInTwoBlobs_KeepsThemApart()
    {
        var (blobA, blobB) = (NewBlobName(), NewBlobName());
        var id = BlockId(0);
        var bytesA = await StageAsync(blobA, id, 64);
        var bytesB = await StageAsync(blobB, id, 64);

        await Store.CommitBlockListAsync(blobA, [id], s_binary);
        await Store.CommitBlockListAsync(blobB, [id], s_binary);

        Assert.Equal(bytesA, await ReadAsync(blobA, 0, 64));
        Assert.Equal(bytesB, await ReadAsync(blobB, 0, 64));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task StageBlock_LengthBelowOne_ThrowsArgumentOutOfRange(long length)
    {
        var blob = NewBlobName();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.StageBlockAsync(blob, BlockId(0), new MemoryStream(), length));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Fact]
    public async Task StageBlock_StreamShorterThanLength_ThrowsEndOfStreamAndStagesNothing()
    {
        var blob = NewBlobName();

        await Assert.ThrowsAsync<EndOfStreamException>(() => Store.StageBlockAsync(blob, BlockId(0), new MemoryStream(RandomBytes(99)), 100));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Fact]
    public async Task StageBlock_StreamLongerThanLength_ThrowsArgumentAndStagesNothing()
    {
        var blob = NewBlobName();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageBlockAsync(blob, BlockId(0), new MemoryStream(RandomBytes(101)), 100));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Fact]
    public async Task StageBlock_CancelledMidway_StagesNothing()
    {
        var blob = NewBlobName();
        using var cancellation = new CancellationTokenSource();
        var content = new CancellingStream(RandomBytes(4096), cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.StageBlockAsync(blob, BlockId(0), content, 4096, cancellationToken: cancellation.Token));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Fact]
    public async Task CommitBlockList_BlockNotStaged_ThrowsInvalidBlockListAndCreatesNothing()
    {
        var blob = NewBlobName();
        await StageAsync(blob, BlockId(0), 10);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.CommitBlockListAsync(blob, [BlockId(0), BlockId(1)], s_binary));

        Assert.Equal(StorageErrorCode.InvalidBlockList, error.Code);
        Assert.Null(await Store.GetPropertiesAsync(blob));
    }

    [Fact]
    public async Task CommitBlockList_Twice_ReturnsFirstPropertiesAndIgnoresSecondList()
    {
        var blob = NewBlobName();
        var (first, second) = (BlockId(0), BlockId(1));
        var firstBytes = await StageAsync(blob, first, 40);
        var secondBytes = await StageAsync(blob, second, 60);
        var committed = await Store.CommitBlockListAsync(blob, [first, second], new BlobCommitOptions("text/plain", new Dictionary<string, string> { ["attempt"] = "1" }));

        var retried = await Store.CommitBlockListAsync(blob, [second], new BlobCommitOptions("application/json", new Dictionary<string, string> { ["attempt"] = "2" }));

        AssertSameProperties(committed, retried);
        AssertSameProperties(committed, (await Store.GetPropertiesAsync(blob))!);
        byte[] expected = [.. firstBytes, .. secondBytes];
        Assert.Equal(expected, await ReadAsync(blob, 0, 100));
    }

    [Fact]
    public async Task CommitBlockList_EmptyList_CommitsEmptyBlob()
    {
        var blob = NewBlobName();

        var properties = await Store.CommitBlockListAsync(blob, [], s_binary);

        Assert.Equal(0, properties.Length);
        Assert.Equal(0, (await Store.GetPropertiesAsync(blob))?.Length);
        Assert.Empty(await ReadAsync(blob, 0, 0));
    }

    [Fact]
    public async Task ListStagedBlocks_BeforeAndAfterCommit_ShowsOnlyUncommittedBlocks()
    {
        var blob = NewBlobName();
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
        var (a, b, c) = (BlockId(0), BlockId(1), BlockId(2));
        await StageAsync(blob, a, 10);
        await StageAsync(blob, b, 20);
        await StageAsync(blob, c, 30);

        var before = await Store.ListStagedBlocksAsync(blob);
        await Store.CommitBlockListAsync(blob, [a, c], s_binary);
        var after = await Store.ListStagedBlocksAsync(blob);

        Assert.Equal(
            [new StagedBlock(a, 10), new StagedBlock(b, 20), new StagedBlock(c, 30)],
            before.OrderBy(block => block.BlockId, StringComparer.Ordinal));
        Assert.Empty(after);
    }

    [Fact]
    public async Task GetProperties_CommittedBlob_ReturnsWhatTheCommitRecorded()
    {
        var blob = NewBlobName();
        var (ids, _) = await StageBlocksAsync(blob, [10, 20]);
        var metadata = new Dictionary<string, string> { ["tenant"] = "acme", ["sha256"] = "abc123" };
        var before = DateTimeOffset.UtcNow;

        var committed = await Store.CommitBlockListAsync(blob, ids, new BlobCommitOptions("video/mp4", metadata));
        var properties = await Store.GetPropertiesAsync(blob);

        Assert.NotNull(properties);
        AssertSameProperties(committed, properties);
        Assert.Equal(30, properties.Length);
        Assert.Equal("video/mp4", properties.ContentType);
        Assert.Equal(metadata, properties.Metadata);
        Assert.False(string.IsNullOrEmpty(properties.ETag));
        Assert.DoesNotContain('"', properties.ETag);

        // Generous: a store's clock (Azurite's, say) need not agree with this one to the second.
        Assert.InRange(properties.LastModified, before.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task CommitBlockList_TwoBlobs_GetDifferentETags()
    {
        var (blobA, blobB) = (NewBlobName(), NewBlobName());

        var a = await Store.CommitBlockListAsync(blobA, [], s_binary);
        var b = await Store.CommitBlockListAsync(blobB, [], s_binary);

        Assert.NotEqual(a.ETag, b.ETag);
    }

    [Fact]
    public async Task GetProperties_NotCommitted_ReturnsNull()
    {
        var blob = NewBlobName();
        await StageAsync(blob, BlockId(0), 10);

        Assert.Null(await Store.GetPropertiesAsync(blob));
    }

    [Fact]
    public async Task OpenRead_NotCommitted_ThrowsNotFound()
    {
        var blob = NewBlobName();
        await StageAsync(blob, BlockId(0), 10);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.OpenReadAsync(blob, 0, 0));

        Assert.Equal(StorageErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task Delete_CommittedBlob_LeavesNothing()
    {
        var blob = NewBlobName();
        var (ids, _) = await StageBlocksAsync(blob, [10, 20]);
        await Store.CommitBlockListAsync(blob, ids, s_binary);
        await StageAsync(blob, BlockId(7), 5);

        await Store.DeleteAsync(blob);

        Assert.Null(await Store.GetPropertiesAsync(blob));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
        var error = await Assert.ThrowsAsync<StorageException>(() => Store.OpenReadAsync(blob, 0, 0));
        Assert.Equal(StorageErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task Delete_StagedBlocksOnly_ReleasesThem()
    {
        var blob = NewBlobName();
        await StageBlocksAsync(blob, [10, 20]);

        await Store.DeleteAsync(blob);

        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Fact]
    public async Task Delete_Twice_Succeeds()
    {
        var blob = NewBlobName();
        await Store.CommitBlockListAsync(blob, [], s_binary);

        await Store.DeleteAsync(blob);
        await Store.DeleteAsync(blob);

        Assert.Null(await Store.GetPropertiesAsync(blob));
    }

    [Fact]
    public async Task Delete_BlobThatNeverExisted_Succeeds()
    {
        await Store.DeleteAsync(NewBlobName());
    }

    [Fact]
    public async Task CommitBlockList_AfterDelete_CreatesNewBlob()
    {
        var blob = NewBlobName();
        var (oldIds, _) = await StageBlocksAsync(blob, [10]);
        var old = await Store.CommitBlockListAsync(blob, oldIds, s_binary);
        await Store.DeleteAsync(blob);
        var (newIds, newBytes) = await StageBlocksAsync(blob, [25]);

        var renewed = await Store.CommitBlockListAsync(blob, newIds, s_binary);

        Assert.NotEqual(old.ETag, renewed.ETag);
        Assert.Equal(newBytes, await ReadAsync(blob, 0, 25));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a//b")]
    [InlineData("a b")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("a/../b")]
    [InlineData("a\\b")]
    [InlineData("a:b")]
    public async Task AllOperations_InvalidBlobName_ThrowArgumentException(string blobName)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageBlockAsync(blobName, BlockId(0), new MemoryStream([1]), 1));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitBlockListAsync(blobName, [], s_binary));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListStagedBlocksAsync(blobName));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetPropertiesAsync(blobName));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(blobName, 0, 0));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(blobName));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a_b")]
    [InlineData("a.b")]
    [InlineData("a=")]
    [InlineData("0123456789012345678901234567890123456789012345678")]
    public async Task StageAndCommit_InvalidBlockId_ThrowArgumentException(string blockId)
    {
        var blob = NewBlobName();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageBlockAsync(blob, blockId, new MemoryStream([1]), 1));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitBlockListAsync(blob, [blockId], s_binary));
        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Theory]
    [InlineData(1, 1_000)] // exactly one block
    [InlineData(0, 1)] // exactly the first block
    [InlineData(71_004, 5_000)] // exactly the last block
    [InlineData(500, 100)] // inside one block
    [InlineData(900, 70_200)] // across two blocks
    [InlineData(0, TotalSize)]
    public async Task StageBlockFromBlob_RangeOfASource_StagesThoseBytes(int offset, int length)
    {
        var source = NewBlobName();
        var (ids, bytes) = await StageBlocksAsync(source, s_blockSizes);
        await Store.CommitBlockListAsync(source, ids, s_binary);
        var target = NewBlobName();
        var blockId = BlockId(0);

        await Store.StageBlockFromBlobAsync(target, blockId, source, offset, length);
        await Store.CommitBlockListAsync(target, [blockId], s_binary);

        Assert.Equal(bytes.AsSpan(offset, length).ToArray(), await ReadAsync(target, 0, length));
    }

    [Fact]
    public async Task StageBlockFromBlob_EveryBlockOfTwoSources_ComposesThemAndOutlivesThem()
    {
        var first = NewBlobName();
        var (firstIds, firstBytes) = await StageBlocksAsync(first, s_blockSizes);
        await Store.CommitBlockListAsync(first, firstIds, s_binary);
        var second = NewBlobName();
        var (secondIds, secondBytes) = await StageBlocksAsync(second, [4_000, 17]);
        await Store.CommitBlockListAsync(second, secondIds, s_binary);
        var target = NewBlobName();
        var targetIds = new List<string>();
        foreach (var (source, sizes) in new[] { (first, s_blockSizes), (second, new[] { 4_000, 17 }) })
        {
            var offset = 0L;
            foreach (var size in sizes)
            {
                var blockId = BlockId(targetIds.Count);
                await Store.StageBlockFromBlobAsync(target, blockId, source, offset, size);
                targetIds.Add(blockId);
                offset += size;
            }
        }

        var composed = await Store.CommitBlockListAsync(target, targetIds, s_binary);
        await Store.DeleteAsync(first);
        await Store.DeleteAsync(second);

        Assert.Equal(TotalSize + 4_017, composed.Length);
        Assert.Equal(firstBytes.Concat(secondBytes).ToArray(), await ReadAsync(target, 0, composed.Length));
    }

    [Theory]
    [InlineData(1, 1_000)]
    [InlineData(500, 100)]
    public async Task StageBlockFromBlob_SameBlockIdTwice_LeavesOneWholeCopy(int offset, int length)
    {
        var source = NewBlobName();
        var (ids, bytes) = await StageBlocksAsync(source, s_blockSizes);
        await Store.CommitBlockListAsync(source, ids, s_binary);
        var target = NewBlobName();
        var blockId = BlockId(0);

        await Store.StageBlockFromBlobAsync(target, blockId, source, offset, length);
        await Store.StageBlockFromBlobAsync(target, blockId, source, offset, length);

        Assert.Equal(new StagedBlock(blockId, length), Assert.Single(await Store.ListStagedBlocksAsync(target)));
        await Store.CommitBlockListAsync(target, [blockId], s_binary);
        Assert.Equal(bytes.AsSpan(offset, length).ToArray(), await ReadAsync(target, 0, length));
    }

    [Fact]
    public async Task StageBlockFromBlob_TargetReleasedOrDeleted_SourceKeepsItsBytes()
    {
        var source = NewBlobName();
        var (ids, bytes) = await StageBlocksAsync(source, s_blockSizes);
        await Store.CommitBlockListAsync(source, ids, s_binary);
        var released = NewBlobName();
        var deleted = NewBlobName();
        await Store.StageBlockFromBlobAsync(released, BlockId(0), source, 1, 1_000);
        await Store.StageBlockFromBlobAsync(deleted, BlockId(0), source, 1, 1_000);

        // An empty list releases the staged block; a delete removes it.
        await Store.CommitBlockListAsync(released, [], s_binary);
        await Store.DeleteAsync(deleted);

        Assert.Empty(await Store.ListStagedBlocksAsync(released));
        Assert.Equal(bytes, await ReadAsync(source, 0, TotalSize));
    }

    [Theory]
    [InlineData("", "000000-a", "a")]
    [InlineData("a/", "000000-a", "a")]
    [InlineData("a", "a/b", "a")]
    [InlineData("a", "", "a")]
    [InlineData("a", "000000-a", "")]
    [InlineData("a", "000000-a", "a/../b")]
    public async Task StageBlockFromBlob_InvalidNameOrBlockId_ThrowsArgumentException(string blobName, string blockId, string sourceBlobName)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageBlockFromBlobAsync(blobName, blockId, sourceBlobName, 0, 1));
    }

    [Fact]
    public async Task StageBlockFromBlob_SourceNotCommitted_ThrowsNotFound()
    {
        var source = NewBlobName();
        await StageAsync(source, BlockId(0), 100);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.StageBlockFromBlobAsync(NewBlobName(), BlockId(0), source, 0, 100));

        Assert.Equal(StorageErrorCode.NotFound, error.Code);
    }

    [Theory]
    [InlineData(0, TotalSize + 1)]
    [InlineData(TotalSize - 10, 11)]
    [InlineData(TotalSize, 1)]
    [InlineData(0, 0)]
    [InlineData(-1, 1)]
    [InlineData(long.MaxValue, 1)]
    [InlineData(1, long.MaxValue)]
    public async Task StageBlockFromBlob_RangeOutsideTheSource_ThrowsArgumentOutOfRange(long offset, long length)
    {
        var source = NewBlobName();
        var (ids, _) = await StageBlocksAsync(source, s_blockSizes);
        await Store.CommitBlockListAsync(source, ids, s_binary);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.StageBlockFromBlobAsync(NewBlobName(), BlockId(0), source, offset, length));
    }

    /// <summary>A blob name no other test uses, so tests share nothing even on shared storage.</summary>
    protected static string NewBlobName() => $"contract/{Guid.NewGuid():N}/blob";

    /// <summary>A block id for a chunk index, unique per call and of the same length for every index, as Azure requires.</summary>
    protected static string BlockId(int index) => $"{index:D6}-{Guid.NewGuid():N}";

    protected static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    protected async Task<byte[]> StageAsync(string blobName, string blockId, int length, CancellationToken cancellationToken = default)
    {
        var bytes = RandomBytes(length);
        await Store.StageBlockAsync(blobName, blockId, new MemoryStream(bytes), length, cancellationToken: cancellationToken);
        return bytes;
    }

    protected async Task<(string[] Ids, byte[] Bytes)> StageBlocksAsync(string blobName, int[] sizes, CancellationToken cancellationToken = default)
    {
        var ids = new string[sizes.Length];
        var bytes = new List<byte>();
        for (var i = 0; i < sizes.Length; i++)
        {
            ids[i] = BlockId(i);
            bytes.AddRange(await StageAsync(blobName, ids[i], sizes[i], cancellationToken));
        }

        return (ids, bytes.ToArray());
    }

    protected async Task<byte[]> ReadAsync(string blobName, long offset, long length, CancellationToken cancellationToken = default)
    {
        await using var stream = await Store.OpenReadAsync(blobName, offset, length, cancellationToken);
        using var copy = new MemoryStream();

        // A prime buffer size, so the copy's reads and the blob's block boundaries fall out of step.
        await stream.CopyToAsync(copy, bufferSize: 7_919, cancellationToken);
        return copy.ToArray();
    }

    private static void AssertSameProperties(BlobProperties expected, BlobProperties actual)
    {
        Assert.Equal(expected.ETag, actual.ETag);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected.LastModified, actual.LastModified);
    }
}
