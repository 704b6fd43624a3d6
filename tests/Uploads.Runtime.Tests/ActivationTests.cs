using Uploads.Runtime.Tests.TestGrains;

namespace Uploads.Runtime.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task FirstCall_OnNewGrain_ActivatesOnceAndLaterCallsReuseTheInstance()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");

        var first = await grain.GetInstanceAsync();
        var second = await runtime.Grains.GetGrain<ICounterGrain>("k1").GetInstanceAsync();

        Assert.Equal(first, second);
        Assert.Equal(["activate:k1:1"], runtime.Probe.Events);
        Assert.Equal(1, runtime.Catalog.ActivationCount);
    }

    [Fact]
    public async Task Calls_OnDifferentGrains_RunConcurrently()
    {
        await using var runtime = new RuntimeHarness();
        var a = runtime.Grains.GetGrain<IGateGrain>("a").RunAsync(1);
        var b = runtime.Grains.GetGrain<IGateGrain>("b").RunAsync(2);

        // Both enter while neither is released: the two activations do not share a turn.
        int[] entered = [await runtime.NextEnteredAsync(), await runtime.NextEnteredAsync()];
        runtime.Probe.Release(1);
        runtime.Probe.Release(2);
        await Task.WhenAll(a, b).WaitAsync(RuntimeHarness.SignalTimeout);

        Assert.Equal([1, 2], entered.Order());
        Assert.Equal(2, runtime.Probe.MaxConcurrency);
    }

    [Fact]
    public async Task OnActivateAsync_Throws_CallFailsAndNextCallActivatesAfresh()
    {
        await using var runtime = new RuntimeHarness();
        runtime.Probe.FailNextActivations(1);
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(grain.GetInstanceAsync);
        Assert.Equal("Activation failed on purpose.", exception.Message);
        Assert.Equal(0, runtime.Catalog.ActivationCount);

        var instance = await grain.GetInstanceAsync();

        Assert.Equal(2, instance);
        Assert.Equal(["activate:k1:2"], runtime.Probe.Events);
        Assert.Equal(1, runtime.Catalog.ActivationCount);
    }

    [Fact]
    public async Task DeactivateOnIdle_DuringCall_DeactivatesAfterTheCallWithRequested()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        var first = await grain.GetInstanceAsync();

        await grain.DeactivateAfterCallAsync();

        Assert.Equal(["activate:k1:1", "deactivate:k1:1:Requested"], runtime.Probe.Events);
        Assert.Equal(0, runtime.Catalog.ActivationCount);
        Assert.NotEqual(first, await grain.GetInstanceAsync());
    }

    [Fact]
    public async Task GrainMethod_Throws_ExceptionReachesCallerUnchangedAndActivationStays()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        var first = await grain.GetInstanceAsync();

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => grain.ThrowAsync("bad input"));

        Assert.Equal("bad input", exception.Message);
        Assert.Equal(first, await grain.GetInstanceAsync());
    }

    [Fact]
    public async Task Statistics_ActivationCount_CountsActiveActivations()
    {
        await using var runtime = new RuntimeHarness();
        var statistics = (IGrainRuntimeStatistics)runtime.Services.GetService(typeof(IGrainRuntimeStatistics))!;

        await runtime.Grains.GetGrain<ICounterGrain>("k1").GetInstanceAsync();
        await runtime.Grains.GetGrain<ICounterGrain>("k2").GetInstanceAsync();
        await runtime.Grains.GetGrain<ICounterGrain>("k2").DeactivateAfterCallAsync();

        Assert.Equal(1, statistics.ActivationCount);
    }
}
