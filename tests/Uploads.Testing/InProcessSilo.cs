using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Uploads.Abstractions;
using Uploads.Grains;
using Uploads.Storage;

namespace Uploads.Testing;

/// <summary>
/// The grain side of one silo, in process: a real Orleans silo (a cluster of one on loopback, on free ports) with the
/// real upload grains and the real FileSystem stores and grain storage on a folder that several silos may share.
/// Two of them on one folder are two clusters that know nothing of each other: two activations of one upload, each
/// sure it is the only one, which is what storage's conditional writes must make harmless.
/// </summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessSilo(IHost host)
    {
        _host = host;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IBlockStore Blocks => _host.Services.GetRequiredService<IBlockStore>();

    public IGrainStateStore States => _host.Services.GetRequiredService<IGrainStateStore>();

    public IServiceProvider Services => _host.Services;

    public static async Task<InProcessSilo> StartAsync(
        string root,
        TimeProvider? timeProvider = null,
        Func<IBlockStore, IBlockStore>? decorateBlocks = null,
        IDictionary<string, string?>? settings = null,
        Func<IGrainStorage, IServiceProvider, IGrainStorage>? decorateGrainStorage = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Uploads:Storage:Provider"] = "FileSystem",
            ["Uploads:Storage:FileSystem:Root"] = root,

            // The tests drive the sweep themselves.
            ["Uploads:Sweep:Enabled"] = "false",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.Services.AddLogging();
        builder.Services.AddUploadsStorage();
        builder.Services.AddUploadGrains();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "uploads-tests", clusterId: "silo-" + Guid.NewGuid().ToString("N"));
            silo.AddUploadsGrainStorage(UploadKeys.StorageName);
            if (decorateGrainStorage is not null)
            {
                var inner = silo.Services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, UploadKeys.StorageName));
                silo.Services.Remove(inner);
                silo.Services.AddKeyedSingleton<IGrainStorage>(
                    UploadKeys.StorageName,
                    (services, key) => decorateGrainStorage((IGrainStorage)inner.KeyedImplementationFactory!(services, key), services));
            }
        });
        if (decorateBlocks is not null)
        {
            var inner = builder.Services.Last(d => d.ServiceType == typeof(IBlockStore));
            builder.Services.Remove(inner);
            builder.Services.AddSingleton(services => decorateBlocks(CreateInner(services, inner)));
        }

        var host = builder.Build();
        await host.StartAsync();
        return new InProcessSilo(host);
    }

    /// <summary>Upload <paramref name="uploadId"/>'s grain, called as the gateway calls it (with its retries).</summary>
    public IUploadGrain Upload(string uploadId, string tenant = "tenant-a") =>
        new RetryingUploadGrain(Grains.GetGrain<IUploadGrain>(UploadKeys.GrainKey(tenant, uploadId)));

    /// <summary>One pass of the sweep, now, whenever the last one ran.</summary>
    public Task<int> SweepOnceAsync(CancellationToken cancellationToken = default) =>
        Grains.GetGrain<IUploadSweeperGrain>(0).SweepAsync(TimeSpan.Zero, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A loopback port for one of the silo's Orleans endpoints (see <see cref="LoopbackPorts"/>).</summary>
    public static int FreePort() => LoopbackPorts.Next();

    private static IBlockStore CreateInner(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IBlockStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
