using Uploads.Storage;

namespace Uploads.Grains.Tests;

/// <summary>Wraps the real block store and fails the operations a test switches off, as an unreachable store would.</summary>
internal sealed class FaultyBlockStore : IBlockStore
{
    private readonly IBlockStore _inner;

    public FaultyBlockStore(IBlockStore inner)
    {
        _inner = inner;
    }

    public bool FailCommits { get; set; }

    public bool FailDeletes { get; set; }

    public Task StageBlockAsync(string blobName, string blockId, Stream content, long length, byte[]? contentMd5 = null, CancellationToken cancellationToken = default) =>
        _inner.StageBlockAsync(blobName, blockId, content, length, contentMd5, cancellationToken);

    public Task<BlobProperties> CommitBlockListAsync(string blobName, IReadOnlyList<string> blockIds, BlobCommitOptions options, CancellationToken cancellationToken = default) =>
        FailCommits ? throw Unavailable() : _inner.CommitBlockListAsync(blobName, blockIds, options, cancellationToken);

    public Task<IReadOnlyList<StagedBlock>> ListStagedBlocksAsync(string blobName, CancellationToken cancellationToken = default) =>
        _inner.ListStagedBlocksAsync(blobName, cancellationToken);

    public Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default) =>
        _inner.GetPropertiesAsync(blobName, cancellationToken);

    public Task<Stream> OpenReadAsync(string blobName, long offset, long length, CancellationToken cancellationToken = default) =>
        _inner.OpenReadAsync(blobName, offset, length, cancellationToken);

    public Task DeleteAsync(string blobName, CancellationToken cancellationToken = default) =>
        FailDeletes ? throw Unavailable() : _inner.DeleteAsync(blobName, cancellationToken);

    private static StorageException Unavailable() => new(StorageErrorCode.Unavailable, "The store is switched off by the test.");
}
