using Microsoft.Extensions.Logging;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Keeps records in a data folder, one file per key holding its entity tag and its payload.
/// </summary>
/// <remarks>
/// Reads take no lock: a record is replaced by an atomic rename, so a reader sees a whole version. A write or a
/// delete checks the entity tag and replaces the file while it holds the key's striped lock, which is both a
/// semaphore in this process and an exclusive lock file across processes; so conditional writes stay correct when
/// several processes share one data folder. Every write is flushed to disk, file and folder, before it returns.
/// </remarks>
public sealed partial class FileSystemGrainStateStore : IGrainStateStore
{
    private const string StateExtension = ".state";

    private readonly FileSystemLayout _layout;
    private readonly StripedFileLock _locks;
    private readonly ILogger<FileSystemGrainStateStore> _logger;

    /// <summary>Opens the store in <see cref="FileSystemStorageOptions.Root"/>, creating its folders.</summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Unavailable"/> when the folders cannot be made.</exception>
    public FileSystemGrainStateStore(FileSystemStorageOptions options, TimeProvider timeProvider, ILogger<FileSystemGrainStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _layout = new FileSystemLayout(options);
        _logger = logger;
        _locks = new StripedFileLock(_layout.Locks, timeProvider);

        var deleted = _layout.Initialize(timeProvider.GetUtcNow());
        if (deleted > 0)
        {
            LogTmpLeftoversDeleted(deleted, _layout.Tmp);
        }
    }

    /// <inheritdoc/>
    public async Task<StateEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        var path = _layout.StateFile(key);
        byte[] record;
        try
        {
            record = await DurableFile.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("read record", key, ex);
        }

        return StateRecord.Parse(record, path);
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(string key, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        ThrowIfEmptyETag(etag);

        try
        {
            using var lease = await _locks.AcquireAsync(LockKey(key), cancellationToken).ConfigureAwait(false);

            var path = _layout.StateFile(key);
            var current = StateRecord.ReadETag(path);
            if (!string.Equals(current, etag, StringComparison.Ordinal))
            {
                LogConflict(key);
                throw new StorageException(StorageErrorCode.Conflict, DescribeConflict(key, current, etag));
            }

            var newETag = ETags.New();
            var tempPath = _layout.NewTempPath();
            try
            {
                await DurableFile.WriteTempAsync(tempPath, StateRecord.Header(newETag), data, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                DurableFile.MoveIntoPlace(tempPath, path, overwrite: true);
            }
            finally
            {
                DeleteTemp(tempPath);
            }

            return newETag;
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("write record", key, ex);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        ThrowIfEmptyETag(etag);

        try
        {
            using var lease = await _locks.AcquireAsync(LockKey(key), cancellationToken).ConfigureAwait(false);

            var path = _layout.StateFile(key);
            var current = StateRecord.ReadETag(path);
            if (current is null && etag is null)
            {
                return;
            }

            if (etag is not null && !string.Equals(current, etag, StringComparison.Ordinal))
            {
                LogConflict(key);
                throw new StorageException(StorageErrorCode.Conflict, DescribeConflict(key, current, etag));
            }

            DurableFile.Delete(path);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("delete record", key, ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>An empty <paramref name="prefix"/> lists every key.</remarks>
    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && (!prefix.EndsWith('/') || !StorageNames.IsValidName(prefix[..^1])))
        {
            throw new ArgumentException($"'{prefix}' is not a valid key prefix: a valid name followed by '/', or empty.", nameof(prefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // Walking a large folder tree blocks on the disk; keep it off the caller's thread.
        return Task.Run(() => ListKeys(prefix, startAfter, limit, cancellationToken), cancellationToken);
    }

    private static string LockKey(string key) => "state:" + key;

    private static void ThrowIfEmptyETag(string? etag)
    {
        if (etag is { Length: 0 })
        {
            throw new ArgumentException("An entity tag is null (create-only or unconditional) or the tag of a version read; it is never empty.", nameof(etag));
        }
    }

    private static string DescribeConflict(string key, string? current, string? expected) => (current, expected) switch
    {
        (not null, null) => $"The record '{key}' already exists; read it and write with its entity tag.",
        (null, not null) => $"The record '{key}' does not exist any more; read it again.",
        _ => $"The record '{key}' has changed since it was read; read it again and retry.",
    };

    private IReadOnlyList<string> ListKeys(string prefix, string? startAfter, int limit, CancellationToken cancellationToken)
    {
        var folder = _layout.StateFolder(prefix);
        var keys = new List<string>();
        try
        {
            if (!Directory.Exists(folder))
            {
                return keys;
            }

            var options = new EnumerationOptions
            {
                RecurseSubdirectories = true,
                MatchType = MatchType.Simple,
                IgnoreInaccessible = false,

                // Keys may start with '.', which Unix calls hidden.
                AttributesToSkip = 0,
            };
            foreach (var file in Directory.EnumerateFiles(folder, "*" + StateExtension, options))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = Path.GetRelativePath(_layout.State, file);
                var key = relative[..^StateExtension.Length].Replace(Path.DirectorySeparatorChar, '/');
                if (StorageNames.IsValidName(key) && (startAfter is null || string.CompareOrdinal(key, startAfter) > 0))
                {
                    keys.Add(key);
                }
            }
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("list the records under", prefix, ex);
        }

        keys.Sort(StringComparer.Ordinal);
        if (keys.Count > limit)
        {
            keys.RemoveRange(limit, keys.Count - limit);
        }

        return keys;
    }

    private void DeleteTemp(string tempPath)
    {
        if (DurableFile.TryDeleteTemp(tempPath) is { } error)
        {
            LogTempNotDeleted(tempPath, error);
        }
    }
}
