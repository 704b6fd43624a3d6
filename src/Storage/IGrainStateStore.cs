namespace Uploads.Storage;

/// <summary>
/// Stores small records under string keys, each with an entity tag that changes on every write: the index records
/// and markers through which uploads are listed and counted (Orleans grain storage cannot list), and, on the
/// FileSystem provider, the grain state that <see cref="FileSystem.FileSystemGrainStorage"/> keeps. Every write is
/// conditional, so two writers can never silently overwrite each other: the loser gets
/// <see cref="StorageErrorCode.Conflict"/> and must reload.
/// </summary>
/// <remarks>
/// Keys follow the rules of <see cref="StorageNames"/> and are
/// derived by the server, never taken from client text. A provider is thread-safe and correct when
/// several processes share the same storage.
/// </remarks>
public interface IGrainStateStore
{
    /// <summary>Reads a record and its entity tag, or <see langword="null"/> when there is none.</summary>
    Task<StateEntry?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a record durably. With <paramref name="etag"/> <see langword="null"/> the write only creates
    /// (it fails if the record exists); otherwise it only replaces the record whose entity tag is
    /// <paramref name="etag"/>. Returns the new entity tag.
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Conflict"/> when the condition does not hold.</exception>
    Task<string> WriteAsync(string key, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a record. With <paramref name="etag"/> <see langword="null"/> the delete is unconditional and
    /// succeeds when there is no record; otherwise it deletes only the record whose entity tag matches.
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Conflict"/> when the entity tag does not match or the record is gone.</exception>
    Task DeleteAsync(string key, string? etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the keys that start with <paramref name="prefix"/> (which ends with '/'), in ordinal order,
    /// after <paramref name="startAfter"/> when it is given, at most <paramref name="limit"/> of them.
    /// Paging with the last key returned as the next <paramref name="startAfter"/> visits every key that
    /// existed throughout exactly once.
    /// </summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, int limit, CancellationToken cancellationToken = default);
}
