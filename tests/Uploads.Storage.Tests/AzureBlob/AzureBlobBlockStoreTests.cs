using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.AzureBlob;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>The block store contract against Azurite, and what only the AzureBlob provider promises.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobBlockStoreTests : BlockStoreContractTests
{
    private readonly AzuriteFixture _azurite;

    public AzureBlobBlockStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
    }

    protected override IBlockStore CreateStore() =>
        new AzureBlobBlockStore(_azurite.Connection, TimeProvider.System, NullLogger<AzureBlobBlockStore>.Instance);

    private AzureBlobBlockStore StoreWithRequestTimeout(TimeSpan requestTimeout)
    {
        var options = _azurite.Options;
        options.RequestTimeout = requestTimeout;
        return new AzureBlobBlockStore(AzureBlobConnection.Create(options, credential: null), TimeProvider.System, NullLogger<AzureBlobBlockStore>.Instance);
    }

    private static readonly BlobCommitOptions s_binary = new("application/octet-stream", new Dictionary<string, string>());

    [Fact]
    public async Task StageBlock_ContentMatchesDeclaredMd5_StagesBlock()
    {
        var blob = NewBlobName();
        var id = BlockId(0);
        var bytes = RandomBytes(1_000);

        await Store.StageBlockAsync(blob, id, new MemoryStream(bytes), bytes.Length, MD5.HashData(bytes));

        Assert.Equal(new StagedBlock(id, bytes.Length), Assert.Single(await Store.ListStagedBlocksAsync(blob)));
    }

    [Fact]
    public async Task StageBlock_ContentDiffersFromDeclaredMd5_StagesNothingAndReturns()
    {
        var blob = NewBlobName();
        var bytes = RandomBytes(1_000);
        var declared = MD5.HashData(RandomBytes(1_000));

        await Store.StageBlockAsync(blob, BlockId(0), new MemoryStream(bytes), bytes.Length, declared);

        Assert.Empty(await Store.ListStagedBlocksAsync(blob));
    }

    [Fact]
    public async Task StageBlock_StreamThatCannotSeekLargerThanOneBuffer_StagesItWhole()
    {
        var blob = NewBlobName();
        var id = BlockId(0);
        var bytes = RandomBytes((3 * 1024 * 1024) + 17);
        var content = new GatedStream(bytes, gateAt: bytes.Length);
        content.Open();

        await Store.StageBlockAsync(blob, id, content, bytes.Length);
        await Store.CommitBlockListAsync(blob, [id], s_binary);

        Assert.Equal(bytes, await ReadAsync(blob, 0, bytes.Length));
    }

    [Fact]
    public async Task StageBlock_SlowClientWhoseBytesKeepMoving_OutlastsRequestTimeout()
    {
        var store = StoreWithRequestTimeout(TimeSpan.FromMilliseconds(500));
        var blob = NewBlobName();
        var id = BlockId(0);
        var bytes = RandomBytes(4_000);

        // Eight pieces 200 ms apart: 1.6 s in all, more than three times the timeout.
        await store.StageBlockAsync(blob, id, new TrickleStream(bytes, pieceSize: 500, pause: TimeSpan.FromMilliseconds(200)), bytes.Length);
        await store.CommitBlockListAsync(blob, [id], s_binary);

        Assert.Equal(bytes, await ReadAsync(blob, 0, bytes.Length));
    }

    [Fact]
    public void Connection_AzuriteConnectionString_IsEmulatorWithoutCredential()
    {
        Assert.True(_azurite.Connection.IsEmulator);
        Assert.Equal(_azurite.Azurite.BlobEndpoint.AbsoluteUri.TrimEnd('/'), _azurite.Connection.BlobEndpoint.AbsoluteUri.TrimEnd('/'));
        Assert.Null(_azurite.Connection.Credential);
        Assert.Equal(_azurite.Azurite.ConnectionString, _azurite.Connection.ConnectionString);
    }

    [Fact]
    public async Task CommitBlockList_MetadataNameNotAlphanumeric_ThrowsArgumentAndCreatesNothing()
    {
        var blob = NewBlobName();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitBlockListAsync(blob, [], new BlobCommitOptions("text/plain", new Dictionary<string, string> { ["upload-id"] = "x" })));

        Assert.Null(await Store.GetPropertiesAsync(blob));
    }
}
