using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Uploads.Grains;
using Uploads.Runtime;
using Uploads.Storage;

namespace Uploads.Testing;

/// <summary>
/// The grain side of one silo, in process: the real runtime, the real upload grains and the real FileSystem
/// stores on a folder that several hosts may share (standing in for several silo processes).
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
        IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Uploads:Storage:Provider"] = "FileSystem",
            ["Uploads:Storage:FileSystem:Root"] = root,
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
        builder.Services.AddGrainRuntime();
        builder.Services.AddUploadGrains();
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

    public IUploadGrain Upload(string uploadId, string tenant = "tenant-a") =>
        Grains.GetGrain<IUploadGrain>(UploadKeys.GrainKey(tenant, uploadId));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static IBlockStore CreateInner(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IBlockStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
