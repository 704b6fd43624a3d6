using System.Diagnostics.Metrics;

namespace Uploads.Runtime;

/// <summary>The instruments of meter <c>Uploads.Runtime</c>: state writes and their bytes, state conflicts, active activations.</summary>
internal sealed class GrainRuntimeMetrics
{
    public const string MeterName = "Uploads.Runtime";
    public const string StateNameTag = "state.name";
    public const string GrainTypeTag = "grain.type";

    private readonly Counter<long> _stateWrites;
    private readonly Counter<long> _stateBytesWritten;
    private readonly Counter<long> _stateConflicts;
    private readonly UpDownCounter<long> _activations;

    public GrainRuntimeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        // The factory owns the meter and disposes it with the container.
        var meter = meterFactory.Create(MeterName);
        _stateWrites = meter.CreateCounter<long>("uploads.runtime.state.writes", "{write}", "Grain state writes that succeeded.");
        _stateBytesWritten = meter.CreateCounter<long>("uploads.runtime.state.bytes_written", "By", "Bytes of grain state written.");
        _stateConflicts = meter.CreateCounter<long>("uploads.runtime.state.conflicts", "{conflict}", "Grain state writes and deletes that found another version.");
        _activations = meter.CreateUpDownCounter<long>("uploads.runtime.activations", "{activation}", "Grain activations that are active.");
    }

    public void StateWritten(string stateName, int bytes)
    {
        var tag = new KeyValuePair<string, object?>(StateNameTag, stateName);
        _stateWrites.Add(1, tag);
        _stateBytesWritten.Add(bytes, tag);
    }

    public void StateConflict(string stateName) => _stateConflicts.Add(1, new KeyValuePair<string, object?>(StateNameTag, stateName));

    public void ActivationAdded(string grainType) => _activations.Add(1, new KeyValuePair<string, object?>(GrainTypeTag, grainType));

    public void ActivationRemoved(string grainType) => _activations.Add(-1, new KeyValuePair<string, object?>(GrainTypeTag, grainType));
}
