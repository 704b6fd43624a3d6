using Orleans.Storage;

namespace Uploads.Bench;

/// <summary>
/// Grain storage that counts what goes through it to another provider: every state write, and the bytes the state
/// serializes to with the silo's grain-storage serializer (what the FileSystem and Azure Blob providers store).
/// </summary>
internal sealed class CountingGrainStorage : IGrainStorage
{
    private readonly IGrainStorage _inner;
    private readonly IGrainStorageSerializer _serializer;
    private long _writes;
    private long _bytes;

    public CountingGrainStorage(IGrainStorage inner, IGrainStorageSerializer serializer)
    {
        _inner = inner;
        _serializer = serializer;
    }

    /// <summary>The writes and bytes counted so far.</summary>
    public (long Writes, long Bytes) Snapshot() => (Interlocked.Read(ref _writes), Interlocked.Read(ref _bytes));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await _inner.WriteStateAsync(stateName, grainId, grainState);
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytes, _serializer.Serialize(grainState.State).ToMemory().Length);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ClearStateAsync(stateName, grainId, grainState);
}
