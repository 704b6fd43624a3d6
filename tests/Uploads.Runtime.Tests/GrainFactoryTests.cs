using Microsoft.Extensions.DependencyInjection;
using Uploads.Runtime.Tests.TestGrains;

namespace Uploads.Runtime.Tests;

public sealed class GrainFactoryTests
{
    public interface IUnregisteredGrain : IGrainWithStringKey
    {
        Task PingAsync();
    }

    public interface ISynchronousGrain : IGrainWithStringKey
    {
        int Get();
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a//b")]
    [InlineData("../escape")]
    [InlineData("a/./b")]
    [InlineData("trailing/")]
    public async Task GetGrain_InvalidKey_ThrowsArgumentException(string key)
    {
        await using var runtime = new RuntimeHarness();

        Assert.Throws<ArgumentException>(() => runtime.Grains.GetGrain<ICounterGrain>(key));
    }

    [Fact]
    public async Task GetGrain_KeyLongerThanStorageNames_ThrowsArgumentException()
    {
        await using var runtime = new RuntimeHarness();

        Assert.Throws<ArgumentException>(() => runtime.Grains.GetGrain<ICounterGrain>(new string('a', 513)));
    }

    [Fact]
    public async Task GetGrain_UnregisteredInterface_ThrowsInvalidOperationException()
    {
        await using var runtime = new RuntimeHarness();

        Assert.Throws<InvalidOperationException>(() => runtime.Grains.GetGrain<IUnregisteredGrain>("k1"));
    }

    [Fact]
    public async Task Reference_ToString_IsGrainId()
    {
        await using var runtime = new RuntimeHarness();

        Assert.Equal("counter/tenant/u1", runtime.Grains.GetGrain<ICounterGrain>("tenant/u1").ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    public void AddGrain_InvalidTypeName_ThrowsArgumentException(string grainType)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddGrain<ICounterGrain, CounterGrain>(grainType));
    }

    [Fact]
    public void AddGrain_MethodNotReturningTask_ThrowsArgumentException()
    {
        var services = new ServiceCollection();

        var exception = Assert.Throws<ArgumentException>(() => services.AddGrain<ISynchronousGrain, SynchronousGrain>("sync"));
        Assert.Contains("Task", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGrainRuntime_CalledTwice_RegistersTheRuntimeOnce()
    {
        var services = new ServiceCollection();

        services.AddGrainRuntime();
        var count = services.Count;
        services.AddGrainRuntime();

        Assert.Equal(count, services.Count);
    }

    private sealed class SynchronousGrain : Grain, ISynchronousGrain
    {
        public int Get() => 1;
    }
}
