using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Runtime.Cluster;
using Uploads.Runtime.Tests.Fakes;
using Uploads.Runtime.Tests.TestGrains;
using Uploads.Storage;

namespace Uploads.Runtime.Tests.Cluster;

/// <summary>
/// The runtime of one silo of a cluster, without a web server or hosted services: the test drives joins, heartbeats and
/// refreshes itself, on a clock it moves. Silos of one test share one store and one clock.
/// </summary>
internal sealed class MembershipHarness : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(8);

    public MembershipHarness(string siloId, IGrainStateStore sharedStore, ManualTimeProvider clock, IDictionary<string, string?>? settings = null)
    {
        Store = new FlakyGrainStateStore(sharedStore);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Uploads:Cluster:SiloId"] = siloId,

                // Never listened on: these silos do not forward calls to each other.
                ["Uploads:Cluster:InternalUrl"] = "http://127.0.0.1:9",
                ["Uploads:Cluster:Key"] = "membership-tests-cluster-key",
                ["Uploads:Cluster:HeartbeatInterval"] = HeartbeatInterval.ToString(),
                ["Uploads:Cluster:DeadAfter"] = DeadAfter.ToString(),
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IGrainStateStore>(Store);
        services.AddSingleton(Probe);
        services.AddGrainCluster();
        services.AddGrain<ICounterGrain, CounterGrain>("counter");
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>The store as this silo sees it; set <see cref="FlakyGrainStateStore.IsUnavailable"/> to cut it off.</summary>
    public FlakyGrainStateStore Store { get; }

    public GrainProbe Probe { get; } = new();

    public ServiceProvider Services { get; }

    public ClusterMembership Membership => Services.GetRequiredService<ClusterMembership>();

    public ActivationCatalog Catalog => Services.GetRequiredService<ActivationCatalog>();

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>This silo's view: each silo's status by id.</summary>
    public Dictionary<string, SiloStatus> Statuses() => Membership.GetSilos().ToDictionary(silo => silo.SiloId, silo => silo.Status);

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
