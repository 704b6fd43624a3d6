using Uploads.Runtime.Tests.TestGrains;

namespace Uploads.Runtime.Tests;

public sealed class ConflictTests
{
    [Fact]
    public async Task Write_RecordChangedBehindActivation_RetriesOnFreshActivationAndKeepsBothChanges()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        await grain.AppendAsync("first");
        runtime.Store.Put("counter/k1", """{"entries":["first","external"]}""");

        var entries = await grain.AppendAsync("second");

        Assert.Equal(["first", "external", "second"], entries);
        Assert.Equal("""{"entries":["first","external","second"]}""", runtime.Store.GetText("counter/k1"));
        Assert.Equal(["activate:k1:1", "deactivate:k1:1:InconsistentState", "activate:k1:2"], runtime.Probe.Events);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Write_ConflictsBeyondMaxConflictRetries_PropagateInconsistentStateException(int maxRetries)
    {
        await using var runtime = new RuntimeHarness(RuntimeHarness.Settings("MaxConflictRetries", maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        var external = 0;

        // Another writer gets in before every write of the grain.
        runtime.Store.BeforeWrite = key => runtime.Store.Put(key, $$"""{"entries":["external-{{++external}}"]}""");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AppendAsync("mine"));

        Assert.Equal(maxRetries + 1, runtime.Probe.Count("activate:"));
        Assert.Equal(maxRetries + 1, runtime.Probe.Events.Count(e => e.EndsWith(":InconsistentState", StringComparison.Ordinal)));
        Assert.Equal($$"""{"entries":["external-{{maxRetries + 1}}"]}""", runtime.Store.GetText("counter/k1"));
        Assert.Equal(0, runtime.Catalog.ActivationCount);
    }
}
