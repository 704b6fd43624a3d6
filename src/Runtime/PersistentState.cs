using System.Text.Json;
using Uploads.Storage;

namespace Uploads.Runtime;

/// <summary>
/// A grain state record as JSON in the <see cref="IGrainStateStore"/>. Every write and delete is conditional on the
/// entity tag last read or written; a conflict becomes <see cref="InconsistentStateException"/>, which makes the
/// runtime discard the activation and retry the call on a fresh one, so a stale version is never written over
/// another. Used by one activation, one turn at a time, so it needs no locking.
/// </summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>
    where TState : class, new()
{
    private readonly string _stateName;
    private readonly IGrainStateStore _store;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly GrainRuntimeMetrics _metrics;
    private TState _state = new();

    public PersistentState(string key, string stateName, IGrainStateStore store, JsonSerializerOptions serializerOptions, GrainRuntimeMetrics metrics)
    {
        Key = key;
        _stateName = stateName;
        _store = store;
        _serializerOptions = serializerOptions;
        _metrics = metrics;
    }

    /// <summary>The store key of the record.</summary>
    public string Key { get; }

    public TState State
    {
        get => _state;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _state = value;
        }
    }

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var entry = await _store.ReadAsync(Key, cancellationToken);
        if (entry is null)
        {
            Reset();
            return;
        }

        _state = JsonSerializer.Deserialize<TState>(entry.Data, _serializerOptions) ?? new TState();
        Etag = entry.ETag;
        RecordExists = true;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(_state, _serializerOptions);
        string etag;
        try
        {
            etag = await _store.WriteAsync(Key, data, Etag, cancellationToken);
        }
        catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
        {
            throw Conflict("write", exception);
        }

        Etag = etag;
        RecordExists = true;
        _metrics.StateWritten(_stateName, data.Length);
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        // Without a known record there is nothing of ours to delete; deleting unconditionally could remove a
        // record someone else created.
        if (RecordExists)
        {
            try
            {
                await _store.DeleteAsync(Key, Etag, cancellationToken);
            }
            catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
            {
                throw Conflict("delete", exception);
            }
        }

        Reset();
    }

    private void Reset()
    {
        _state = new TState();
        Etag = null;
        RecordExists = false;
    }

    private InconsistentStateException Conflict(string operation, StorageException exception)
    {
        _metrics.StateConflict(_stateName);
        var version = Etag ?? "none";
        return new InconsistentStateException($"State '{Key}' changed since version {version} was read, so the {operation} was refused; the activation must reload it.", exception);
    }
}
