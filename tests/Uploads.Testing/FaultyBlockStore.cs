using Uploads.Storage;

namespace Uploads.Testing;

/// <summary>
/// Wraps the real block store and fails the operations a test switches off, as a store that is down after its
/// retries would: with <see cref="StorageErrorCode.Unavailable"/>. Everything else reaches the real store.
/// </summary>
public sealed class FaultyBlockStore : IBlockStore
{
    private readonly IBlockStore _inner;
    private volatile bool _failStaging;
    private volatile bool _failCommits;
    private volatile bool _failDeletes;

    public FaultyBlockStore(IBlockStore inner)
    {
        _inner = inner;
    }

    public bool FailStaging
    {
        get => _failStaging;
        set => _failStaging = value;
    }

    public bool FailCommits
    {
        get => _failCommits;
        set => _failCommits = value;
    }

    public bool FailDeletes
    {
        get => _failDeletes;
        set => _failDeletes = value;
    }

    public Task StageBlockAsync(string blobName, string blockId, Stream content, long length, byte[]? contentMd5 = null, CancellationToken cancellationToken = default) =>
        FailStaging ? throw Unavailable() : _inner.StageBlockAsync(blobName, blockId, content, length, contentMd5, cancellationToken);

    public Task StageBlockFromBlobAsync(string blobName, string blockId, string sourceBlobName, long sourceOffset, long length, CancellationToken cancellationToken = default) =>
        FailStaging ? throw Unavailable() : _inner.StageBlockFromBlobAsync(blobName, blockId, sourceBlobName, sourceOffset, length, cancellationToken);

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
