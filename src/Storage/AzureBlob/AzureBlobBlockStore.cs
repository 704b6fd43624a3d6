using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Keeps the blocks and blobs of uploads in one container of Azure Blob Storage: a chunk is a staged block of the
/// upload's block blob (Put Block), and completion is one Put Block List of the blocks in index order.
/// </summary>
/// <remarks>
/// <para>
/// Block ids go on the wire as base64 of their ASCII bytes. A commit is create-only (<c>If-None-Match: *</c>), so a
/// stale or retried commit never replaces a committed blob: it gets that blob's properties, as the contract wants.
/// The service discards the uncommitted blocks of a blob when its block list is committed.
/// </para>
/// <para>
/// The container is created on first use (and on start, by the silo); every operation waits for that.
/// </para>
/// </remarks>
public sealed partial class AzureBlobBlockStore : IBlockStore
{
    // What the commit that only releases staged blocks records; the blob is deleted right after.
    private static readonly BlobCommitOptions s_releaseCommit = new("application/octet-stream", new Dictionary<string, string>());

    private readonly AzureBlobClient _client;
    private readonly string _container;
    private readonly ILogger<AzureBlobBlockStore> _logger;

    /// <summary>A store in <see cref="AzureBlobStorageOptions.Container"/> of the account <paramref name="client"/> speaks to.</summary>
    public AzureBlobBlockStore(AzureBlobClient client, AzureBlobStorageOptions options, ILogger<AzureBlobBlockStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _container = options.Container;
        _logger = logger;
    }

    /// <summary>The container that holds the blobs.</summary>
    public string Container => _container;

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="content"/> is streamed to the service as it is read. When it can seek, a failed attempt is sent
    /// again from its start; when it cannot, a failure after its first byte was read is reported at once
    /// (<see cref="StorageErrorCode.Unavailable"/>) and the caller sends the chunk again. <paramref name="contentMd5"/>
    /// is checked before the last byte is sent, and sent as <c>Content-MD5</c> for the service to check on arrival;
    /// when the content does not match it nothing is staged and the call returns (see <see cref="IBlockStore"/>).
    /// </remarks>
    public async Task StageBlockAsync(string blobName, string blockId, Stream content, long length, byte[]? contentMd5 = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        StorageNames.ThrowIfInvalidBlockId(blockId, nameof(blockId));
        ArgumentNullException.ThrowIfNull(content);

        // Azure refuses an empty block (Azurite accepts one); refuse it here so that both behave alike.
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (contentMd5 is not null && contentMd5.Length != 16)
        {
            throw new ArgumentException("An MD5 digest has 16 bytes.", nameof(contentMd5));
        }

        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);
        if (!await _client.PutBlockAsync(_container, blobName, blockId, content, length, contentMd5, cancellationToken).ConfigureAwait(false))
        {
            LogDeclaredMd5Mismatch(blobName, blockId);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Put Block From URL: the service reads the range of the source blob itself, authorized by a read-only SAS made
    /// with the account key that expires in minutes, so the bytes never pass through the silo. The source's length is
    /// read first (one Get Blob Properties), so a range outside it is refused rather than cut short.
    /// </remarks>
    public async Task StageBlockFromBlobAsync(string blobName, string blockId, string sourceBlobName, long sourceOffset, long length, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        StorageNames.ThrowIfInvalidBlockId(blockId, nameof(blockId));
        StorageNames.ThrowIfInvalidName(sourceBlobName, nameof(sourceBlobName));
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceOffset);

        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);

        // The service stages what it finds of a range that runs past the source's end; check the range first instead.
        var source = await _client.GetPropertiesAsync(_container, sourceBlobName, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageErrorCode.NotFound, $"The source blob '{sourceBlobName}' is not committed.");
        if (sourceOffset > source.Length || length > source.Length - sourceOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The source blob '{sourceBlobName}' has no {length} bytes at offset {sourceOffset}.");
        }

        await _client.PutBlockFromBlobAsync(_container, blobName, blockId, sourceBlobName, sourceOffset, length, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> CommitBlockListAsync(string blobName, IReadOnlyList<string> blockIds, BlobCommitOptions options, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        ArgumentNullException.ThrowIfNull(blockIds);
        foreach (var blockId in blockIds)
        {
            StorageNames.ThrowIfInvalidBlockId(blockId, nameof(blockIds));
        }

        ValidateCommitOptions(options);
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);

        var created = await _client.PutBlockListAsync(_container, blobName, blockIds, options, cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            LogCommitFoundExistingBlob(blobName);
        }

        // Put Block List answers with the entity tag and date, not the length: read the blob's properties whole.
        return await _client.GetPropertiesAsync(_container, blobName, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageErrorCode.Unavailable, $"The blob '{blobName}' was deleted right after it was committed; commit it again.");
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StagedBlock>> ListStagedBlocksAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);
        return await _client.GetUncommittedBlocksAsync(_container, blobName, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);
        return await _client.GetPropertiesAsync(_container, blobName, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One Get Blob with <c>x-ms-range</c>; an empty range asks only for the blob's properties. Each read of the returned
    /// stream waits at most the request timeout, and a broken connection surfaces as
    /// <see cref="StorageErrorCode.Unavailable"/>.
    /// </remarks>
    public async Task<Stream> OpenReadAsync(string blobName, long offset, long length, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);

        if (length > 0)
        {
            return await _client.GetBlobRangeAsync(_container, blobName, offset, length, cancellationToken).ConfigureAwait(false);
        }

        // The service has no empty range: check the blob and the offset, and read nothing.
        var properties = await _client.GetPropertiesAsync(_container, blobName, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageErrorCode.NotFound, $"The blob '{blobName}' is not committed.");
        if (offset > properties.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The blob '{blobName}' has {properties.Length} bytes.");
        }

        return new MemoryStream([], writable: false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Delete Blob removes a committed blob with its blocks. A blob that was never committed is invisible to Delete
    /// Blob, yet Azure keeps its staged blocks for up to seven days: so when there is nothing to delete, an empty block
    /// list is committed (create-only, which discards the staged blocks at once) and that empty blob deleted.
    /// </remarks>
    public async Task DeleteAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);

        var (existed, _) = await _client.DeleteBlobAsync(_container, blobName, etag: null, cancellationToken).ConfigureAwait(false);
        if (existed)
        {
            return;
        }

        // A blob committed meanwhile is kept by this create-only commit, and deleted next all the same.
        await _client.PutBlockListAsync(_container, blobName, [], s_releaseCommit, cancellationToken).ConfigureAwait(false);
        await _client.DeleteBlobAsync(_container, blobName, etag: null, cancellationToken).ConfigureAwait(false);
        LogStagedBlocksReleased(blobName);
    }

    private static void ValidateCommitOptions(BlobCommitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ContentType is null || options.Metadata is null)
        {
            throw new ArgumentException("A commit needs a content type and metadata (which may be empty).", nameof(options));
        }

        if (!IsHeaderValue(options.ContentType))
        {
            throw new ArgumentException($"The content type '{options.ContentType}' is not printable ASCII, as an HTTP header needs.", nameof(options));
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in options.Metadata)
        {
            if (string.IsNullOrEmpty(name) || !name.All(char.IsAsciiLetterOrDigit) || value is null || !IsHeaderValue(value) || !names.Add(name))
            {
                throw new ArgumentException(
                    $"The metadata name '{name}' is not valid: names are ASCII letters and digits, unique regardless of case, and values printable ASCII.",
                    nameof(options));
            }
        }
    }

    private static bool IsHeaderValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
