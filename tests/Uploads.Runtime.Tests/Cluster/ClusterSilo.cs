using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Uploads.Runtime.Cluster;
using Uploads.Runtime.Tests.TestGrains;
using Uploads.Storage;

namespace Uploads.Runtime.Tests.Cluster;

/// <summary>
/// One silo of a cluster in this process: the runtime with the test grains behind a real Kestrel server on loopback,
/// with a public port (serving <c>GET /ping</c> only) and the internal port. Silos of one test share one store. The
/// heartbeat is slow on purpose, so that a view changes only when the test refreshes it.
/// </summary>
internal sealed class ClusterSilo : IAsyncDisposable
{
    public const string ClusterKey = "forwarding-tests-cluster-key";

    private readonly WebApplication _app;

    private ClusterSilo(WebApplication app, GrainProbe probe, Uri publicAddress, Uri internalAddress)
    {
        _app = app;
        Probe = probe;
        PublicAddress = publicAddress;
        InternalAddress = internalAddress;
    }

    public GrainProbe Probe { get; }

    public Uri PublicAddress { get; }

    public Uri InternalAddress { get; }

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public ClusterMembership Membership => _app.Services.GetRequiredService<ClusterMembership>();

    public ActivationCatalog Catalog => _app.Services.GetRequiredService<ActivationCatalog>();

    public static async Task<ClusterSilo> StartAsync(string siloId, IGrainStateStore store, IDictionary<string, string?>? settings = null)
    {
        var internalPort = FreeLoopbackPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Uploads:Cluster:SiloId"] = siloId,
            ["Uploads:Cluster:InternalUrl"] = $"http://127.0.0.1:{internalPort}",
            ["Uploads:Cluster:Key"] = ClusterKey,
            ["Uploads:Cluster:HeartbeatInterval"] = "00:01:00",
            ["Uploads:Cluster:DeadAfter"] = "00:03:00",
            ["Uploads:Cluster:DeadSiloRetention"] = "01:00:00",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.UseGrainClusterInternalUrl(builder.Configuration);

        var probe = new GrainProbe();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(probe);
        builder.Services.AddGrainCluster();
        builder.Services.AddGrain<ICounterGrain, CounterGrain>("counter");
        builder.Services.AddGrain<IFaultGrain, FaultGrain>("fault");
        builder.Services.AddGrainExceptionCodec<TestRefusalException, string>(
            "test-refusal",
            static exception => exception.Code,
            static (message, code) => new TestRefusalException(code, message));

        var app = builder.Build();
        app.UseGrainClusterEndpoint();
        app.MapGet("/ping", () => "pong");
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var publicAddress = addresses.Select(address => new Uri(address)).Single(address => address.Port != internalPort);
        return new ClusterSilo(app, probe, publicAddress, new Uri($"http://127.0.0.1:{internalPort}"));
    }

    /// <summary>Stops listening, as a crashed process would: no leaving, the membership record stays as it was.</summary>
    public Task StopListeningAsync() => _app.Services.GetRequiredService<IServer>().StopAsync(CancellationToken.None);

    /// <summary>Stops gracefully: leaves the membership, drains, deactivates, removes its record.</summary>
    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
