using System.Text.Json;
using Uploads.Storage;

namespace Uploads.Runtime;

/// <summary>Creates the <see cref="PersistentState{TState}"/> objects of activations, all sharing one store and one serializer configuration.</summary>
internal sealed class PersistentStateFactory
{
    private readonly IGrainStateStore _store;
    private readonly GrainRuntimeMetrics _metrics;
    private readonly JsonSerializerOptions _serializerOptions = new(JsonSerializerDefaults.Web);

    public PersistentStateFactory(IGrainStateStore store, GrainRuntimeMetrics metrics)
    {
        _store = store;
        _metrics = metrics;
    }

    /// <summary>Creates the state stored under <c>{stateName}/{grainKey}[/{subKey}]</c>; it is not read yet.</summary>
    public PersistentState<TState> Create<TState>(string stateName, string grainKey, string? subKey)
        where TState : class, new()
    {
        if (!StorageNames.IsValidSegment(stateName))
        {
            throw new ArgumentException($"'{stateName}' is not a valid state name; use one storage name segment of [A-Za-z0-9._~-].", nameof(stateName));
        }

        if (subKey is not null && !StorageNames.IsValidSegment(subKey))
        {
            throw new ArgumentException($"'{subKey}' is not a valid state sub-key; use one storage name segment of [A-Za-z0-9._~-].", nameof(subKey));
        }

        var key = subKey is null ? $"{stateName}/{grainKey}" : $"{stateName}/{grainKey}/{subKey}";
        StorageNames.ThrowIfInvalidName(key, nameof(grainKey));
        return new PersistentState<TState>(key, stateName, _store, _serializerOptions, _metrics);
    }
}
