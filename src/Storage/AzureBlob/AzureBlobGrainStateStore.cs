using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Keeps records (grain state, membership) as small block blobs in one container, one blob per key, written with Put
/// Blob under an ETag condition: <c>If-None-Match: *</c> to create, <c>If-Match</c> to replace. A lost condition
/// (412, or 409 for an existing blob) is <see cref="StorageErrorCode.Conflict"/>.
/// </summary>
/// <remarks>
/// Keys are listed with List Blobs by prefix, starting from the key after which the caller pages (<c>startFrom</c>),
/// so a page costs one or two requests however many keys come before it. The container is created on first use (and
/// on start, by the silo).
/// </remarks>
public sealed partial class AzureBlobGrainStateStore : IGrainStateStore
{
    // The service's most per page.
    private const int MaxPageSize = 5000;

    private readonly AzureBlobClient _client;
    private readonly string _container;
    private readonly ILogger<AzureBlobGrainStateStore> _logger;

    /// <summary>A store in the state container (see <see cref="AzureBlobStorageOptions.GetStateContainer"/>) of the account <paramref name="client"/> speaks to.</summary>
    public AzureBlobGrainStateStore(AzureBlobClient client, AzureBlobStorageOptions options, ILogger<AzureBlobGrainStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _container = options.GetStateContainer();
        _logger = logger;
    }

    /// <summary>The container that holds the records.</summary>
    public string Container => _container;

    /// <inheritdoc/>
    public async Task<StateEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);
        return await _client.GetBlobContentAsync(_container, key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(string key, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        ThrowIfEmptyETag(etag);
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);
        try
        {
            return await _client.PutBlobAsync(_container, key, data, etag, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Code == StorageErrorCode.Conflict)
        {
            LogConflict(key);
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// When a first attempt of a conditional delete may have taken effect before its connection dropped, a retry that
    /// finds no record counts as done: the record is gone either way.
    /// </remarks>
    public async Task DeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        ThrowIfEmptyETag(etag);
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);

        var (existed, afterUncertainAttempt) = await _client.DeleteBlobAsync(_container, key, etag, cancellationToken).ConfigureAwait(false);
        if (!existed && etag is not null && !afterUncertainAttempt)
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
        await _client.EnsureContainerExistsAsync(_container, cancellationToken).ConfigureAwait(false);

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
        string? marker = null;
        do
        {
            (var names, marker) = await _client.ListBlobsAsync(_container, prefix, startFrom, marker, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var name in names)
            {
                // The service lists in ordinal order; a service that ignored startFrom is still right, only slower.
                if ((startAfter is not null && string.CompareOrdinal(name, startAfter) <= 0) || !StorageNames.IsValidName(name))
                {
                    continue;
                }

                keys.Add(name);
                if (keys.Count == limit)
                {
                    return keys;
                }
            }
        }
        while (marker is not null);

        return keys;
    }

    private static void ThrowIfEmptyETag(string? etag)
    {
        if (etag is { Length: 0 })
        {
            throw new ArgumentException("An entity tag is null (create-only or unconditional) or the tag of a version read; it is never empty.", nameof(etag));
        }
    }
}
