using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Runtime.Tests.TestGrains;

namespace Uploads.Runtime.Tests;

public sealed class GrainRuntimeMetricsTests
{
    [Fact]
    public async Task StateWrites_Succeeded_AreCountedWithBytesAndStateName()
    {
        await using var runtime = new RuntimeHarness();
        using var recorder = new Recorder(runtime);
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");

        await grain.AppendAsync("a");
        await grain.AppendAsync("b");

        var bytes = Encoding.UTF8.GetByteCount("""{"entries":["a"]}""") + Encoding.UTF8.GetByteCount("""{"entries":["a","b"]}""");
        Assert.Equal(2, recorder.Sum("uploads.runtime.state.writes", "counter"));
        Assert.Equal(bytes, recorder.Sum("uploads.runtime.state.bytes_written", "counter"));
    }

    [Fact]
    public async Task Activations_ActivatedThenDeactivated_UpDownCounterReturnsToZero()
    {
        await using var runtime = new RuntimeHarness();
        using var recorder = new Recorder(runtime);
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");

        await grain.GetInstanceAsync();
        var afterActivation = recorder.Sum("uploads.runtime.activations");
        await grain.DeactivateAfterCallAsync();

        Assert.Equal(1, afterActivation);
        Assert.Equal(0, recorder.Sum("uploads.runtime.activations"));
    }

    [Fact]
    public async Task Conflicts_OnWrite_AreCounted()
    {
        await using var runtime = new RuntimeHarness();
        using var recorder = new Recorder(runtime);
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        await grain.AppendAsync("first");
        runtime.Store.Put("counter/k1", """{"entries":["external"]}""");

        await grain.AppendAsync("second");

        Assert.Equal(1, recorder.Sum("uploads.runtime.state.conflicts", "counter"));
    }

    /// <summary>Records the measurements of this runtime's meter only: other tests' runtimes run at the same time.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, string? StateName)> _measurements = new();

        public Recorder(RuntimeHarness runtime)
        {
            var meterFactory = runtime.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Uploads.Runtime" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? stateName = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "state.name")
                    {
                        stateName = tag.Value as string;
                    }
                }

                _measurements.Enqueue((instrument.Name, value, stateName));
            });
            _listener.Start();

            // The meter is created with the runtime's services; resolving them publishes the instruments.
            _ = runtime.Catalog;
        }

        public long Sum(string instrument, string? stateName = null) =>
            _measurements.Where(m => m.Instrument == instrument && (stateName is null || m.StateName == stateName)).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();
    }
}
