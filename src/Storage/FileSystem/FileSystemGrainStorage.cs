using Orleans.Storage;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Orleans grain storage in the data folder: one record per state of a grain, written to a temporary file, flushed
/// to disk, renamed into place and its folder flushed before the write returns (<see cref="FileSystemGrainStateStore"/>).
/// Every write is conditional on the entity tag the grain holds, which changes with every version written: a write
/// or delete that finds another version throws <see cref="InconsistentStateException"/>, never overwrites it. Several
/// silo processes may share one data folder.
/// </summary>
public sealed class FileSystemGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly IGrainStateStore _records;
    private readonly IGrainStorageSerializer _serializer;

    /// <summary>Stores states as records of <paramref name="records"/>, serialized by <paramref name="serializer"/>.</summary>
    public FileSystemGrainStorage(string name, IGrainStateStore records, IGrainStorageSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(serializer);
        _name = name;
        _records = records;
        _serializer = serializer;
    }

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var entry = await _records.ReadAsync(KeyOf(stateName, grainId));
        if (entry is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = _serializer.Deserialize<T>(new BinaryData(entry.Data));
        grainState.ETag = entry.ETag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = _serializer.Serialize(grainState.State);
        try
        {
            grainState.ETag = await _records.WriteAsync(KeyOf(stateName, grainId), data.ToMemory(), grainState.ETag);
            grainState.RecordExists = true;
        }
        catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
        {
            throw Inconsistent(stateName, grainId, grainState.ETag, exception);
        }
    }

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            // Without an entity tag there is nothing this activation wrote or read: only then is the delete unconditional.
            await _records.DeleteAsync(KeyOf(stateName, grainId), grainState.ETag);
        }
        catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
        {
            throw Inconsistent(stateName, grainId, grainState.ETag, exception);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    /// <summary>
    /// The record of a state: <c>{state name}/{grain type}/{grain key}</c>, the key as it is when it is a valid storage
    /// name (an upload's <c>{tenant}/{id}</c>) and encoded after a <c>~</c> otherwise, so two grains never share one.
    /// </summary>
    internal static string KeyOf(string stateName, GrainId grainId)
    {
        var key = grainId.Key.ToString();
        var segment = !key.StartsWith('~') && StorageNames.IsValidName(key) ? key : "~" + StorageNames.EncodeSegment(key);
        var name = $"{stateName}/{grainId.Type}/{segment}";
        StorageNames.ThrowIfInvalidName(name, nameof(stateName));
        return name;
    }

    private InconsistentStateException Inconsistent(string stateName, GrainId grainId, string? etag, StorageException exception) =>
        new($"Grain storage {_name}: state {stateName} of {grainId} was written by another activation since version {etag ?? "(none)"} was read.", exception);
}
