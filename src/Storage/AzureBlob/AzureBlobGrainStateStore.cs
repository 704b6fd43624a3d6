using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Keeps records (grain state, membership) as small block blobs in one container, one blob per key, written with Put
/// Blob under an ETag condition: <c>If-None-Match: *</c> to create, <c>If-Match</c> to replace. A lost condition
/// (412, 409 for an existing blob, or 404 for a replaced one that is gone) is <see cref="StorageErrorCode.Conflict"/>.
/// </summary>
/// <remarks>
/// <para>
/// The SDK retries a write whose answer was lost; when the first attempt had taken effect, the retry meets it as a
/// conflict. Every write therefore stores a write id of its own in the blob's metadata, and a conflict whose blob
/// carries that id is the write's own success, reported as such: a retried write that landed is never taken for
/// another writer's.
/// </para>
/// <para>
/// Keys are listed with List Blobs by prefix, starting from the key after which the caller pages (<c>startFrom</c>),
/// so a page costs one or two requests however many keys come before it. The container is created on first use (and
/// on start, by the silo).
/// </para>
/// </remarks>
public sealed partial class AzureBlobGrainStateStore : IGrainStateStore
{
    private const string WriteIdMetadataName = "writeid";

    // The service's most per page.
    private const int MaxPageSize = 5000;

    private static readonly UploadTransferValidationOptions s_md5 = new() { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 };

    private readonly AzureBlobConnection _connection;
    private readonly AzureBlobContainer _container;
    private readonly ILogger<AzureBlobGrainStateStore> _logger;

    /// <summary>A store in the state container <see cref="AzureBlobConnection.StateContainer"/> of the account <paramref name="connection"/> speaks to.</summary>
    public AzureBlobGrainStateStore(AzureBlobConnection connection, ILogger<AzureBlobGrainStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _container = new AzureBlobContainer(connection.Client, connection.StateContainer, logger);
        _logger = logger;
    }

    /// <summary>The container that holds the records.</summary>
    public string Container => _container.Name;

    /// <summary>Creates the container unless it exists.</summary>
    public Task EnsureContainerExistsAsync(CancellationToken cancellationToken = default) => _container.EnsureExistsAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<StateEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            BlobDownloadResult result = await Blob(key).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new StateEntry(result.Content.ToArray(), AzureBlobETags.Unquote(result.Details.ETag));
        }
        catch (RequestFailedException ex) when (ex.IsBlobNotFound())
        {
            return null;
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Get Blob", key, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(string key, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        ThrowIfEmptyETag(etag);
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);

        var writeId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var options = new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [WriteIdMetadataName] = writeId },
            Conditions = etag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = AzureBlobETags.Quote(etag) },
            TransferValidation = s_md5,
        };

        var content = MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
        try
        {
            await using (content.ConfigureAwait(false))
            {
                BlobContentInfo written = await Blob(key).UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
                return AzureBlobETags.Unquote(written.ETag);
            }
        }
        catch (RequestFailedException ex) when (ex.Is(412) || ex.Is(409, "BlobAlreadyExists") || (etag is not null && ex.IsBlobNotFound()))
        {
            if (await FindOwnWriteAsync(key, writeId, cancellationToken).ConfigureAwait(false) is { } own)
            {
                LogOwnWriteRecognised(key);
                return own;
            }

            LogConflict(key);
            throw new StorageException(StorageErrorCode.Conflict, DescribeConflict(key, etag, ex.Status), ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Put Blob", key, ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// When the SDK retried a conditional delete (its first attempt may have taken effect before its answer was lost),
    /// a retry that finds no record counts as done: the record is gone either way.
    /// </remarks>
    public async Task DeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        ThrowIfEmptyETag(etag);
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);

        bool existed;
        using var call = BlobCall.Start();
        try
        {
            var conditions = etag is null ? null : new BlobRequestConditions { IfMatch = AzureBlobETags.Quote(etag) };
            existed = await Blob(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Is(412))
        {
            LogConflict(key);
            throw new StorageException(StorageErrorCode.Conflict, $"The record '{key}' has changed since it was read; read it again and retry.", ex);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Delete Blob", key, ex);
        }

        if (!existed && etag is not null && call.Attempts <= 1)
        {
            LogConflict(key);
            throw new StorageException(StorageErrorCode.Conflict, $"The record '{key}' does not exist any more; read it again.");
        }
    }

    /// <inheritdoc/>
    /// <remarks>An empty <paramref name="prefix"/> lists every key.</remarks>
    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && (!prefix.EndsWith('/') || !StorageNames.IsValidName(prefix[..^1])))
        {
            throw new ArgumentException($"'{prefix}' is not a valid key prefix: a valid name followed by '/', or empty.", nameof(prefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _container.EnsureExistsAsync(cancellationToken).ConfigureAwait(false);

        string? startFrom = null;
        if (startAfter is not null)
        {
            if (startAfter.StartsWith(prefix, StringComparison.Ordinal))
            {
                startFrom = startAfter;
            }
            else if (string.CompareOrdinal(startAfter, prefix) > 0)
            {
                // Past every name that starts with the prefix.
                return [];
            }
        }

        var keys = new List<string>(Math.Min(limit, 256));

        // startFrom is inclusive: one more than wanted, in case the first is startAfter itself.
        var pageSize = (int)Math.Min((long)limit + 1, MaxPageSize);
        var options = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix, StartFrom = startFrom };
        try
        {
            await foreach (var page in _container.Client.GetBlobsAsync(options, cancellationToken).AsPages(pageSizeHint: pageSize).ConfigureAwait(false))
            {
                foreach (var item in page.Values)
                {
                    // The service lists in ordinal order; a service that ignored startFrom is still right, only slower.
                    if ((startAfter is not null && string.CompareOrdinal(item.Name, startAfter) <= 0) || !StorageNames.IsValidName(item.Name))
                    {
                        continue;
                    }

                    keys.Add(item.Name);
                    if (keys.Count == limit)
                    {
                        return keys;
                    }
                }
            }
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("List Blobs", prefix, ex);
        }

        return keys;
    }

    /// <summary>The entity tag of the record when its blob carries <paramref name="writeId"/>: the write had taken effect.</summary>
    private async Task<string?> FindOwnWriteAsync(string key, string writeId, CancellationToken cancellationToken)
    {
        try
        {
            Azure.Storage.Blobs.Models.BlobProperties current = await Blob(key).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return current.Metadata.TryGetValue(WriteIdMetadataName, out var stored) && string.Equals(stored, writeId, StringComparison.Ordinal)
                ? AzureBlobETags.Unquote(current.ETag)
                : null;
        }
        catch (RequestFailedException ex) when (ex.IsBlobNotFound())
        {
            return null;
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable("Get Blob Properties", key, ex);
        }
    }

    private BlockBlobClient Blob(string key) => _container.Client.GetBlockBlobClient(key);

    private StorageException Unavailable(string operation, string key, Exception exception)
    {
        LogOperationFailed(operation, key, exception.Message);
        return AzureBlobErrors.Unavailable(operation, $"{Container}/{key}", _connection.BlobEndpoint, exception);
    }

    private static string DescribeConflict(string key, string? etag, int status) => (etag, status) switch
    {
        (null, _) => $"The record '{key}' already exists; read it and write with its entity tag.",
        (_, 404) => $"The record '{key}' does not exist any more; read it again.",
        _ => $"The record '{key}' has changed since it was read; read it again and retry.",
    };

    private static void ThrowIfEmptyETag(string? etag)
    {
        if (etag is { Length: 0 })
        {
            throw new ArgumentException("An entity tag is null (create-only or unconditional) or the tag of a version read; it is never empty.", nameof(etag));
        }
    }
}
