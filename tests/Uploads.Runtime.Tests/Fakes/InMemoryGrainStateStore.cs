using System.Text;
using Uploads.Storage;

namespace Uploads.Runtime.Tests.Fakes;

/// <summary>A grain state store in memory with the conditional-write rules of the real ones, for unit tests of the runtime.</summary>
internal sealed class InMemoryGrainStateStore : IGrainStateStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, StateEntry> _records = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Runs before every write is checked: a test uses it to play another writer, or a failing store.</summary>
    public Action<string>? BeforeWrite { get; set; }

    public Task<StateEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryGetValue(key, out var entry) ? new StateEntry(entry.Data.ToArray(), entry.ETag) : null);
        }
    }

    public Task<string> WriteAsync(string key, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken = default)
    {
        BeforeWrite?.Invoke(key);
        lock (_lock)
        {
            var exists = _records.TryGetValue(key, out var current);
            if (etag is null ? exists : !exists || current!.ETag != etag)
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Record '{key}' is not at version {etag ?? "none"}.");
            }

            return Task.FromResult(Put(key, data.ToArray()));
        }
    }

    public Task DeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (etag is not null && (!_records.TryGetValue(key, out var current) || current.ETag != etag))
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Record '{key}' is not at version {etag}.");
            }

            _records.Remove(key);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<string> keys = _records.Keys
                .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
                .Where(key => startAfter is null || string.CompareOrdinal(key, startAfter) > 0)
                .Take(limit)
                .ToList();
            return Task.FromResult(keys);
        }
    }

    /// <summary>Writes a record unconditionally, as another process would; returns its new entity tag.</summary>
    public string Put(string key, string json) => Put(key, Encoding.UTF8.GetBytes(json));

    /// <summary>The stored record as text, or <see langword="null"/>.</summary>
    public string? GetText(string key)
    {
        lock (_lock)
        {
            return _records.TryGetValue(key, out var entry) ? Encoding.UTF8.GetString(entry.Data) : null;
        }
    }

    private string Put(string key, byte[] data)
    {
        lock (_lock)
        {
            var etag = $"\"{++_version}\"";
            _records[key] = new StateEntry(data, etag);
            return etag;
        }
    }
}
