using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Keeps the blocks and blobs of uploads in one container of Azure Blob Storage, through the SDK's
/// <see cref="BlockBlobClient"/>: a chunk is a staged block of the upload's block blob (Put Block), and completion is
/// one Put Block List of the blocks in index order.
/// </summary>
/// <remarks>
/// <para>
/// Block ids go on the wire as base64 of their ASCII bytes. A commit is create-only (<c>If-None-Match: *</c>), so a
/// stale or retried commit never replaces a committed blob: it gets that blob's properties, as the contract wants.
/// The service discards the uncommitted blocks of a blob when its block list is committed.
/// </para>
/// <para>
/// Every block carries a transactional checksum that the service checks: the MD5 the client declared, or else a
/// CRC64 the SDK computes as the bytes stream by. Azurite checks MD5 only, so against an emulator a block without a
/// declared MD5 carries none. Retries are the SDK's (see <see cref="AzureBlobStorageOptions"/>); the container is
/// created on first use (and on start, by the silo), and every operation waits for that.
/// </para>
/// </remarks>
public sealed partial class AzureBlobBlockStore : IBlockStore
{
    // Long enough for the service to read one block of the largest size, however slowly.
    private static readonly TimeSpan s_sourceSasLifetime = TimeSpan.FromMinutes(30);

    // A user delegation key outlives every SAS made with it by at least this much.
    private static readonly TimeSpan s_delegationKeyLifetime = TimeSpan.FromHours(2);

    private static readonly BlobRequestConditions s_createOnly = new() { IfNoneMatch = ETag.All };

    private readonly AzureBlobConnection _connection;
    private readonly AzureBlobContainer _container;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AzureBlobBlockStore> _logger;
    private readonly UploadTransferValidationOptions _withoutDeclaredMd5;
    private UserDelegationKey? _delegationKey;

    /// <summary>A store in the container <see cref="AzureBlobConnection.Container"/> of the account <paramref name="connection"/> speaks to.</summary>
    public AzureBlobBlockStore(AzureBlobConnection connection, TimeProvider timeProvider, ILogger<AzureBlobBlockStore> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _container = new AzureBlobContainer(connection.Client, connection.Container, logger);
        _timeProvider = timeProvider;
        _logger = logger;
        _withoutDeclaredMd5 = new UploadTransferValidationOptions
        {
            ChecksumAlgorithm = connection.IsEmulator ? StorageChecksumAlgorithm.None : StorageChecksumAlgorithm.StorageCrc64,
        };
    }

    /// <summary>The container that holds the blobs.</summary>
    public string Container => _container.Name;

    /// <summary>Creates the container unless it exists.</summary>
    public Task EnsureContainerExistsAsync(CancellationToken cancellationToken = default) => _container.EnsureExistsAsync(cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="content"/> is streamed to the service as it is read. When it can seek, a failed attempt is sent
    /// again from its start; when it cannot, a failure after its first byte was read is reported at once
    /// (<see cref="StorageErrorCode.Unavailable"/>) and the caller sends the chunk again. <paramref name="contentMd5"/>
    /// is checked before the last byte is sent, and sent as <c>Content-MD5</c> for the service to check on arrival;
    /// when the content does not match it nothing is staged and the call returns (see <see cref="IBlockStore"/>). Each
    /// attempt may go <see cref="AzureBlobStorageOptions.RequestTimeout"/> without progress.
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

        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        var validation = contentMd5 is null
            ? _withoutDeclaredMd5
            : new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = contentMd5 };

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var body = new BlockContentStream(content, length, contentMd5, abort, _connection.RequestTimeout, _timeProvider);
        using var call = BlobCall.Start(timedByProgress: true);
        call.AttemptEnded = body.OnAttemptEnded;
        try
        {
            await Blob(blobName).StageBlockAsync(EncodeBlockId(blockId), body, new BlockBlobStageBlockOptions { TransferValidation = validation }, abort.Token).ConfigureAwait(false);
        }
        catch (Exception) when (body.DeclaredMd5Mismatch && !cancellationToken.IsCancellationRequested)
        {
            LogDeclaredMd5Mismatch(blobName, blockId);
        }
        catch (Exception) when (body.Failure is { } failure && !cancellationToken.IsCancellationRequested)
        {
            // The caller's stream failed, or the body could not be sent again: report that, not what the SDK made of it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        catch (RequestFailedException ex) when (ex.Is(400, "Md5Mismatch"))
        {
            // The bytes matched the declared MD5 here (the body checked them), so they changed on the way.
            throw new StorageException(StorageErrorCode.Unavailable, $"The block '{blockId}' of blob '{blobName}' reached the service altered (Md5Mismatch); send it again.", ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Put Block", blobName, ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Put Block From URL: the service reads the range of the source blob itself, authorized by a read-only SAS that
    /// expires in 30 minutes, so the bytes never pass through the silo. The SAS is signed with the account key when the
    /// connection string has one, and otherwise with a user delegation key of the identity. The source's length is
    /// read first (one Get Blob Properties), so a range outside it is refused rather than cut short.
    /// </remarks>
    public async Task StageBlockFromBlobAsync(string blobName, string blockId, string sourceBlobName, long sourceOffset, long length, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        StorageNames.ThrowIfInvalidBlockId(blockId, nameof(blockId));
        StorageNames.ThrowIfInvalidName(sourceBlobName, nameof(sourceBlobName));
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceOffset);

        // The service stages what it finds of a range that runs past the source's end; check the range first instead.
        var source = await GetPropertiesAsync(sourceBlobName, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageErrorCode.NotFound, $"The source blob '{sourceBlobName}' is not committed.");
        if (sourceOffset > source.Length || length > source.Length - sourceOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The source blob '{sourceBlobName}' has no {length} bytes at offset {sourceOffset}.");
        }

        try
        {
            var sourceUri = await ReadOnlySasUriAsync(Blob(sourceBlobName), cancellationToken).ConfigureAwait(false);
            var options = new StageBlockFromUriOptions { SourceRange = new HttpRange(sourceOffset, length) };
            await Blob(blobName).StageBlockFromUriAsync(sourceUri, EncodeBlockId(blockId), options, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.IsBlobNotFound())
        {
            throw new StorageException(StorageErrorCode.NotFound, $"The source blob '{sourceBlobName}' is not committed.", ex);
        }
        catch (RequestFailedException ex) when (ex.Is(416))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The source blob '{sourceBlobName}' has no {length} bytes at offset {sourceOffset}.");
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Put Block From URL", blobName, ex);
        }
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
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);

        if (!await TryCommitAsync(blobName, blockIds, options, cancellationToken).ConfigureAwait(false))
        {
            LogCommitFoundExistingBlob(blobName);
        }

        // Put Block List answers with the entity tag and date, not the length: read the blob's properties whole.
        return await GetPropertiesAsync(blobName, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageErrorCode.Unavailable, $"The blob '{blobName}' was deleted right after it was committed; commit it again.");
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StagedBlock>> ListStagedBlocksAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            BlockList list = await Blob(blobName).GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken).ConfigureAwait(false);
            var blocks = new List<StagedBlock>();
            foreach (var block in list.UncommittedBlocks ?? [])
            {
                // Blocks staged by anything but this store may have ids it never makes; they are not its blocks.
                if (TryDecodeBlockId(block.Name) is { } blockId)
                {
                    blocks.Add(new StagedBlock(blockId, block.SizeLong));
                }
            }

            return blocks;
        }
        catch (RequestFailedException ex) when (ex.IsBlobNotFound())
        {
            return [];
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Get Block List", blobName, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Azure.Storage.Blobs.Models.BlobProperties properties = await Blob(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new BlobProperties(
                properties.ContentLength,
                AzureBlobETags.Unquote(properties.ETag),
                properties.ContentType ?? "",
                new Dictionary<string, string>(properties.Metadata, StringComparer.Ordinal),
                properties.LastModified);
        }
        catch (RequestFailedException ex) when (ex.IsBlobNotFound())
        {
            return null;
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Get Blob Properties", blobName, ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One Get Blob with a range (the SDK's streaming download, which resumes a broken read where it stopped, on the
    /// same version of the blob); an empty range asks only for the blob's properties. Each read of the returned stream
    /// waits at most the request timeout.
    /// </remarks>
    public async Task<Stream> OpenReadAsync(string blobName, long offset, long length, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);

        if (length == 0)
        {
            // The service has no empty range: check the blob and the offset, and read nothing.
            var properties = await GetPropertiesAsync(blobName, cancellationToken).ConfigureAwait(false)
                ?? throw new StorageException(StorageErrorCode.NotFound, $"The blob '{blobName}' is not committed.");
            if (offset > properties.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The blob '{blobName}' has {properties.Length} bytes.");
            }

            return new MemoryStream([], writable: false);
        }

        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        BlobDownloadStreamingResult download;
        try
        {
            download = await Blob(blobName).DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Is(416))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset {offset} is not inside blob '{blobName}'.");
        }
        catch (RequestFailedException ex) when (ex.IsBlobNotFound())
        {
            throw new StorageException(StorageErrorCode.NotFound, $"The blob '{blobName}' is not committed.", ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Get Blob", blobName, ex);
        }

        // A range that runs past the end is cut short by the service; the contract refuses it instead.
        if (download.Details.ContentLength < length)
        {
            await download.Content.DisposeAsync().ConfigureAwait(false);
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The blob '{blobName}' has no {length} bytes from offset {offset} ({download.Details.ContentRange}).");
        }

        return download.Content;
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
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        if (await DeleteIfExistsAsync(blobName, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // A blob committed meanwhile is kept by this create-only commit, and deleted next all the same.
        await TryCommitAsync(blobName, [], new BlobCommitOptions("application/octet-stream", new Dictionary<string, string>()), cancellationToken).ConfigureAwait(false);
        await DeleteIfExistsAsync(blobName, cancellationToken).ConfigureAwait(false);
        LogStagedBlocksReleased(blobName);
    }

    /// <summary>Put Block List, create-only. Returns false when the blob already exists, which is then left as it is.</summary>
    private async Task<bool> TryCommitAsync(string blobName, IReadOnlyList<string> blockIds, BlobCommitOptions options, CancellationToken cancellationToken)
    {
        var commit = new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = options.ContentType },
            Metadata = options.Metadata.ToDictionary(StringComparer.Ordinal),
            Conditions = s_createOnly,
        };

        try
        {
            await Blob(blobName).CommitBlockListAsync(blockIds.Select(EncodeBlockId), commit, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Is(412) || ex.Is(409, "BlobAlreadyExists"))
        {
            return false;
        }
        catch (RequestFailedException ex) when (ex.Is(400, "InvalidBlockList"))
        {
            throw new StorageException(StorageErrorCode.InvalidBlockList, $"A block of the list committed to blob '{blobName}' is not staged; stage it before committing.", ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Put Block List", blobName, ex);
        }
    }

    private async Task<bool> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return await Blob(blobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Delete Blob", blobName, ex);
        }
    }

    /// <summary>A read-only SAS URI of <paramref name="source"/>: signed with the account key when there is one, else with a user delegation key.</summary>
    private async Task<Uri> ReadOnlySasUriAsync(BlockBlobClient source, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var expiresOn = now + s_sourceSasLifetime;
        if (source.CanGenerateSasUri)
        {
            return source.GenerateSasUri(BlobSasPermissions.Read, expiresOn);
        }

        var key = _delegationKey;
        if (key is null || key.SignedExpiresOn < expiresOn)
        {
            // Shared by the blocks of many concatenations; two callers that renew it at once cost one extra request.
            key = await _connection.Client.GetUserDelegationKeyAsync(now.AddMinutes(-5), now + s_delegationKeyLifetime, cancellationToken).ConfigureAwait(false);
            _delegationKey = key;
        }

        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = source.BlobContainerName,
            BlobName = source.Name,
            Resource = "b",
            StartsOn = now.AddMinutes(-5),
        };
        return new BlobUriBuilder(source.Uri) { Sas = sas.ToSasQueryParameters(key, source.AccountName) }.ToUri();
    }

    private BlockBlobClient Blob(string blobName) => _container.Client.GetBlockBlobClient(blobName);

    private StorageException Unavailable(string operation, string blobName, Exception exception)
    {
        LogOperationFailed(operation, blobName, exception.Message);
        return AzureBlobErrors.Unavailable(operation, $"{Container}/{blobName}", _connection.BlobEndpoint, exception);
    }

    private static string EncodeBlockId(string blockId) => Convert.ToBase64String(Encoding.ASCII.GetBytes(blockId));

    private static string? TryDecodeBlockId(string encoded)
    {
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written))
        {
            return null;
        }

        var blockId = Encoding.ASCII.GetString(bytes, 0, written);
        return StorageNames.IsValidBlockId(blockId) ? blockId : null;
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
