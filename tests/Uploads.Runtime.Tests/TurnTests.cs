using Uploads.Runtime.Tests.TestGrains;

namespace Uploads.Runtime.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task ConcurrentCalls_OnOneActivation_RunOneAtATimeInArrivalOrder()
    {
        const int CallCount = 8;
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<IGateGrain>("g");

        var calls = Enumerable.Range(0, CallCount).Select(id => grain.RunAsync(id)).ToList();

        // Release whichever call holds the turn; a second call running at once would show in MaxConcurrency.
        for (var i = 0; i < CallCount; i++)
        {
            runtime.Probe.Release(await runtime.NextEnteredAsync());
        }

        await Task.WhenAll(calls).WaitAsync(RuntimeHarness.SignalTimeout);
        Assert.Equal(1, runtime.Probe.MaxConcurrency);
        Assert.Equal(Enumerable.Range(0, CallCount), runtime.Probe.EntryOrder);
    }

    [Fact]
    public async Task WaitingCall_Cancelled_GivesUpItsPlaceAndLaterCallsStillRun()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<IGateGrain>("g");
        using var cancellation = new CancellationTokenSource();
        var first = grain.RunAsync(1);
        Assert.Equal(1, await runtime.NextEnteredAsync());
        var cancelled = grain.RunAsync(2, cancellation.Token);
        var third = grain.RunAsync(3);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(RuntimeHarness.SignalTimeout));
        runtime.Probe.Release(1);
        Assert.Equal(3, await runtime.NextEnteredAsync());
        runtime.Probe.Release(3);

        await Task.WhenAll(first, third).WaitAsync(RuntimeHarness.SignalTimeout);
        Assert.Equal([1, 3], runtime.Probe.EntryOrder);
    }

    [Fact]
    public async Task QueuedCall_ActivationDeactivatedBeforeItsTurn_RunsOnTheNextActivation()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<IGateGrain>("g");
        var first = grain.RunThenDeactivateAsync(1);
        Assert.Equal(1, await runtime.NextEnteredAsync());
        var queued = grain.RunAsync(2);

        runtime.Probe.Release(1);
        Assert.Equal(2, await runtime.NextEnteredAsync());
        runtime.Probe.Release(2);

        await Task.WhenAll(first, queued).WaitAsync(RuntimeHarness.SignalTimeout);
        Assert.Equal(["exit:1", "deactivate:g:Requested", "exit:2"], runtime.Probe.Events);
        Assert.Equal(1, runtime.Catalog.ActivationCount);
    }

    [Fact]
    public async Task CallerToken_Cancelled_ReachesTheGrainMethod()
    {
        await using var runtime = new RuntimeHarness();
        using var cancellation = new CancellationTokenSource();
        var call = runtime.Grains.GetGrain<IGateGrain>("g").RunAsync(1, cancellation.Token);
        await runtime.NextEnteredAsync();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(RuntimeHarness.SignalTimeout));
    }
}
