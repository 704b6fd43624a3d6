using Uploads.Storage;

namespace Uploads.Runtime.Tests.Fakes;

/// <summary>Another store as one silo sees it: every operation fails as unavailable while <see cref="IsUnavailable"/> is set.</summary>
internal sealed class FlakyGrainStateStore : IGrainStateStore
{
    private readonly IGrainStateStore _inner;
    private volatile bool _isUnavailable;

    public FlakyGrainStateStore(IGrainStateStore inner)
    {
        _inner = inner;
    }

    public bool IsUnavailable
    {
        get => _isUnavailable;
        set => _isUnavailable = value;
    }

    public Task<StateEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfUnavailable();
        return _inner.ReadAsync(key, cancellationToken);
    }

    public Task<string> WriteAsync(string key, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken = default)
    {
        ThrowIfUnavailable();
        return _inner.WriteAsync(key, data, etag, cancellationToken);
    }

    public Task DeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
    {
        ThrowIfUnavailable();
        return _inner.DeleteAsync(key, etag, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, int limit, CancellationToken cancellationToken = default)
    {
        ThrowIfUnavailable();
        return _inner.ListKeysAsync(prefix, startAfter, limit, cancellationToken);
    }

    private void ThrowIfUnavailable()
    {
        if (_isUnavailable)
        {
            throw new StorageException(StorageErrorCode.Unavailable, "The store is unreachable on purpose.");
        }
    }
}
