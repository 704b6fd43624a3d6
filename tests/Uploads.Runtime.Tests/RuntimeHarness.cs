using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Uploads.Runtime.Tests.Fakes;
using Uploads.Runtime.Tests.TestGrains;
using Uploads.Storage;

namespace Uploads.Runtime.Tests;

/// <summary>One runtime with its own store, clock, probe and container; each test makes its own.</summary>
internal sealed class RuntimeHarness : IAsyncDisposable
{
    // Bounds every wait on a signal, so that a broken runtime fails a test instead of hanging the run.
    public static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(10);

    public RuntimeHarness(IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IGrainStateStore>(Store);
        services.AddSingleton(Probe);
        services.AddGrainRuntime();
        services.AddGrain<ICounterGrain, CounterGrain>("counter");
        services.AddGrain<IGateGrain, GateGrain>("gate");
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public InMemoryGrainStateStore Store { get; } = new();

    public ManualTimeProvider Clock { get; } = new();

    public GrainProbe Probe { get; } = new();

    public ServiceProvider Services { get; }

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public ActivationCatalog Catalog => Services.GetRequiredService<ActivationCatalog>();

    public ActivationCollector Collector => Services.GetServices<IHostedService>().OfType<ActivationCollector>().Single();

    public static Dictionary<string, string?> Settings(string name, string value) => new() { [$"{GrainRuntimeOptions.SectionName}:{name}"] = value };

    public async Task<int> NextEnteredAsync()
    {
        using var timeout = new CancellationTokenSource(SignalTimeout);
        return await Probe.Entered.Reader.ReadAsync(timeout.Token);
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
