using Uploads.Runtime.Tests.TestGrains;

namespace Uploads.Runtime.Tests;

public sealed class ActivationCollectorTests
{
    private static readonly TimeSpan s_idleTimeout = new GrainRuntimeOptions().IdleTimeout;

    [Fact]
    public async Task CollectIdle_ActivationIdlePastTimeout_DeactivatesWithIdleAndNextCallActivatesAfresh()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        var first = await grain.GetInstanceAsync();
        runtime.Clock.Advance(s_idleTimeout + TimeSpan.FromSeconds(1));

        var collected = await runtime.Catalog.CollectIdleAsync(CancellationToken.None);

        Assert.Equal(1, collected);
        Assert.Equal(["activate:k1:1", "deactivate:k1:1:Idle"], runtime.Probe.Events);
        Assert.NotEqual(first, await grain.GetInstanceAsync());
    }

    [Fact]
    public async Task CollectIdle_ActivationUsedRecently_IsKept()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        var first = await grain.GetInstanceAsync();
        runtime.Clock.Advance(s_idleTimeout - TimeSpan.FromSeconds(10));
        await grain.GetInstanceAsync();
        runtime.Clock.Advance(s_idleTimeout - TimeSpan.FromSeconds(10));

        var collected = await runtime.Catalog.CollectIdleAsync(CancellationToken.None);

        Assert.Equal(0, collected);
        Assert.Equal(0, runtime.Probe.Count("deactivate:"));
        Assert.Equal(first, await grain.GetInstanceAsync());
    }

    [Fact]
    public async Task CollectIdle_ActivationBusyPastTimeout_IsNeitherDeactivatedNorWaitedFor()
    {
        await using var runtime = new RuntimeHarness();
        var call = runtime.Grains.GetGrain<IGateGrain>("g").RunAsync(1);
        await runtime.NextEnteredAsync();
        runtime.Clock.Advance(s_idleTimeout * 10);

        var collected = await runtime.Catalog.CollectIdleAsync(CancellationToken.None).WaitAsync(RuntimeHarness.SignalTimeout);

        Assert.Equal(0, collected);
        runtime.Probe.Release(1);
        await call.WaitAsync(RuntimeHarness.SignalTimeout);
        Assert.Equal(["exit:1"], runtime.Probe.Events);
        Assert.Equal(1, runtime.Catalog.ActivationCount);
    }

    [Fact]
    public async Task StopAsync_WithCallInFlight_DeactivatesEveryActivationAfterTheCallFinishes()
    {
        await using var runtime = new RuntimeHarness();
        var collector = runtime.Collector;
        await collector.StartAsync(CancellationToken.None);
        await runtime.Grains.GetGrain<ICounterGrain>("k1").GetInstanceAsync();
        var call = runtime.Grains.GetGrain<IGateGrain>("g").RunAsync(1);
        await runtime.NextEnteredAsync();

        var stop = collector.StopAsync(CancellationToken.None);
        runtime.Probe.Release(1);
        await stop.WaitAsync(RuntimeHarness.SignalTimeout);

        await call;
        var events = runtime.Probe.Events.ToList();
        Assert.Contains("deactivate:k1:1:ShuttingDown", events);
        Assert.True(events.IndexOf("exit:1") < events.IndexOf("deactivate:g:ShuttingDown"), string.Join(", ", events));
        Assert.Equal(0, runtime.Catalog.ActivationCount);
    }

    [Fact]
    public async Task StopAsync_StopTokenCancelled_ReturnsWithoutWaitingForBusyActivation()
    {
        await using var runtime = new RuntimeHarness();
        var collector = runtime.Collector;
        await collector.StartAsync(CancellationToken.None);
        var call = runtime.Grains.GetGrain<IGateGrain>("g").RunAsync(1);
        await runtime.NextEnteredAsync();
        using var stopTimeout = new CancellationTokenSource();
        await stopTimeout.CancelAsync();

        await collector.StopAsync(stopTimeout.Token).WaitAsync(RuntimeHarness.SignalTimeout);

        Assert.Equal(1, runtime.Catalog.ActivationCount);
        runtime.Probe.Release(1);
        await call.WaitAsync(RuntimeHarness.SignalTimeout);
    }
}
