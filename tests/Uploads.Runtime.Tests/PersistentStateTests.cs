using Microsoft.Extensions.DependencyInjection;
using Uploads.Runtime.Tests.TestGrains;
using Uploads.Storage;

namespace Uploads.Runtime.Tests;

public sealed class PersistentStateTests
{
    [Fact]
    public async Task WrittenState_AfterDeactivation_IsReadBackByNewActivation()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        await grain.AppendAsync("a");
        await grain.AppendAsync("b");
        await grain.DeactivateAfterCallAsync();

        var entries = await grain.GetEntriesAsync();

        Assert.Equal(["a", "b"], entries);
        Assert.Equal(2, runtime.Probe.Count("activate:"));
    }

    [Fact]
    public async Task WriteState_StoredRecord_IsWebJsonUnderStateNameAndGrainKey()
    {
        await using var runtime = new RuntimeHarness();

        await runtime.Grains.GetGrain<ICounterGrain>("tenant/u1").AppendAsync("a");

        Assert.Equal("""{"entries":["a"]}""", runtime.Store.GetText("counter/tenant/u1"));
    }

    [Fact]
    public async Task Create_WithSubKey_KeyIsStateNameGrainKeySubKey()
    {
        await using var runtime = new RuntimeHarness();
        var state = Factory(runtime).Create<CounterState>("pages", "tenant/u1", "3");
        state.State.Entries.Add("x");

        await state.WriteStateAsync();

        Assert.Equal("pages/tenant/u1/3", state.Key);
        Assert.NotNull(runtime.Store.GetText("pages/tenant/u1/3"));
    }

    [Fact]
    public async Task ReadState_NoRecord_GivesNewStateWithoutEtag()
    {
        await using var runtime = new RuntimeHarness();
        var state = Factory(runtime).Create<CounterState>("counter", "k1", subKey: null);

        await state.ReadStateAsync();

        Assert.Empty(state.State.Entries);
        Assert.Null(state.Etag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task WriteState_RecordCreatedByAnotherWriter_ThrowsInconsistentState()
    {
        await using var runtime = new RuntimeHarness();
        var state = Factory(runtime).Create<CounterState>("counter", "k1", subKey: null);
        await state.ReadStateAsync();
        runtime.Store.Put("counter/k1", """{"entries":["other"]}""");

        await Assert.ThrowsAsync<InconsistentStateException>(() => state.WriteStateAsync());

        Assert.Equal("""{"entries":["other"]}""", runtime.Store.GetText("counter/k1"));
    }

    [Fact]
    public async Task ClearState_RecordExists_DeletesItAndResets()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        await grain.AppendAsync("a");

        await grain.ClearAsync();

        Assert.Null(runtime.Store.GetText("counter/k1"));
        Assert.Empty(await grain.GetEntriesAsync());
    }

    [Fact]
    public async Task ClearState_RecordChangedMeanwhile_ThrowsInconsistentStateAndKeepsRecord()
    {
        await using var runtime = new RuntimeHarness();
        var state = Factory(runtime).Create<CounterState>("counter", "k1", subKey: null);
        await state.WriteStateAsync();
        runtime.Store.Put("counter/k1", """{"entries":["other"]}""");

        await Assert.ThrowsAsync<InconsistentStateException>(() => state.ClearStateAsync());

        Assert.NotNull(runtime.Store.GetText("counter/k1"));
    }

    [Fact]
    public async Task WriteState_OtherStorageError_PropagatesUnchangedAndActivationStays()
    {
        await using var runtime = new RuntimeHarness();
        var grain = runtime.Grains.GetGrain<ICounterGrain>("k1");
        var instance = await grain.GetInstanceAsync();
        var failure = new StorageException(StorageErrorCode.Unavailable, "Store down.");
        runtime.Store.BeforeWrite = _ => throw failure;

        var exception = await Assert.ThrowsAsync<StorageException>(() => grain.AppendAsync("a"));

        Assert.Same(failure, exception);
        Assert.Equal(instance, await grain.GetInstanceAsync());
    }

    [Theory]
    [InlineData("a/b", null)]
    [InlineData("..", null)]
    [InlineData("", null)]
    [InlineData("counter", "x/y")]
    [InlineData("counter", "")]
    public async Task Create_InvalidStateNameOrSubKey_ThrowsArgumentException(string stateName, string? subKey)
    {
        await using var runtime = new RuntimeHarness();

        Assert.ThrowsAny<ArgumentException>(() => Factory(runtime).Create<CounterState>(stateName, "k1", subKey));
    }

    private static PersistentStateFactory Factory(RuntimeHarness runtime) => runtime.Services.GetRequiredService<PersistentStateFactory>();
}
