namespace Uploads.Storage;

/// <summary>
/// Stores the bytes of uploads as block blobs: blocks are staged one by one, then committed in
/// order into one blob by a single atomic commit (Azure's Put Block and Put Block List).
/// </summary>
/// <remarks>
/// <para>
/// Blob names follow the rules of <see cref="StorageNames"/> and are derived by the server; block ids are opaque
/// ASCII strings of <c>[A-Za-z0-9-]</c>, at most 48 characters, and all the block ids of one blob
/// have the same length. The caller is responsible for both; a provider rejects anything else with
/// <see cref="ArgumentException"/>.
/// </para>
/// <para>
/// A provider is thread-safe and correct when several processes share the same storage: staging
/// the same block id twice leaves one whole copy, and a commit is create-only.
/// </para>
/// </remarks>
public interface IBlockStore
{
    /// <summary>
    /// Stages one block of exactly <paramref name="length"/> bytes read from <paramref name="content"/>.
    /// The block is durable when the returned task completes. A stream that ends early stages nothing
    /// and throws <see cref="EndOfStreamException"/>.
    /// </summary>
    /// <param name="blobName">The blob the block belongs to.</param>
    /// <param name="blockId">The block's id, unique per attempt.</param>
    /// <param name="content">The bytes; read once, forward only, never buffered whole.</param>
    /// <param name="length">The block's length: at least 1 (empty blocks are refused, as Azure does).</param>
    /// <param name="contentMd5">
    /// The MD5 the client declared for these bytes, which a provider may pass on for the service to check. A provider
    /// that does so stages nothing when the bytes do not match it, and returns normally all the same: the caller checks
    /// the digests it declared itself and never commits such a block, whichever the provider.
    /// </param>
    /// <param name="cancellationToken">Cancels the staging; nothing is staged then.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="length"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">When <paramref name="content"/> has more than <paramref name="length"/> bytes; nothing is staged then.</exception>
    Task StageBlockAsync(string blobName, string blockId, Stream content, long length, byte[]? contentMd5 = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stages one block of <paramref name="blobName"/> whose bytes are the <paramref name="length"/> bytes of the committed
    /// blob <paramref name="sourceBlobName"/> at <paramref name="sourceOffset"/>, copied inside the store: where the store
    /// allows it, the bytes do not pass through the caller. This is how a blob is composed of other blobs (tus
    /// concatenation). The block is durable when the returned task completes, as with <see cref="StageBlockAsync"/>.
    /// </summary>
    /// <param name="blobName">The blob the block belongs to.</param>
    /// <param name="blockId">The block's id, unique per attempt; staging it again leaves one whole copy, as with <see cref="StageBlockAsync"/>.</param>
    /// <param name="sourceBlobName">The committed blob the bytes are read from; it may be deleted once the target is committed.</param>
    /// <param name="sourceOffset">Where the bytes start in the source.</param>
    /// <param name="length">The block's length: at least 1, and the range must lie inside the source.</param>
    /// <param name="cancellationToken">Cancels the staging; nothing is staged then.</param>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.NotFound"/> when the source blob is not committed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="length"/> is less than 1, or the range is not inside the source.</exception>
    /// <exception cref="ArgumentException">When a blob name or the block id is not valid (see <see cref="IBlockStore"/>).</exception>
    Task StageBlockFromBlobAsync(string blobName, string blockId, string sourceBlobName, long sourceOffset, long length, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits the staged blocks, in the order given, into the blob, and releases the staged blocks that
    /// are not in the list. The commit is atomic and create-only: when the blob already exists it is kept
    /// as it is and its properties are returned, so a retried commit is idempotent and a stale one never
    /// overwrites a committed blob. An empty list commits an empty blob.
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.InvalidBlockList"/> when a block is not staged.</exception>
    Task<BlobProperties> CommitBlockListAsync(string blobName, IReadOnlyList<string> blockIds, BlobCommitOptions options, CancellationToken cancellationToken = default);

    /// <summary>Lists the staged (uncommitted) blocks of a blob, in no particular order.</summary>
    Task<IReadOnlyList<StagedBlock>> ListStagedBlocksAsync(string blobName, CancellationToken cancellationToken = default);

    /// <summary>Gets the properties of a committed blob, or <see langword="null"/> when there is none.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a forward-only stream over <paramref name="length"/> bytes of a committed blob starting at
    /// <paramref name="offset"/>. The caller disposes it.
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.NotFound"/> when the blob is not committed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When the range is not inside the blob (an empty range at its end is).</exception>
    Task<Stream> OpenReadAsync(string blobName, long offset, long length, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the blob and every staged block of it. Idempotent: deleting what is not there succeeds.
    /// When the task completes without an exception the storage has been released.
    /// </summary>
    Task DeleteAsync(string blobName, CancellationToken cancellationToken = default);
}
