using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Uploads.Abstractions;
using Uploads.Grains;
using Uploads.Storage;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// One silo in this process, as <see cref="InProcessSilo"/> builds it (real grains, the FileSystem stores and grain
/// storage in a folder), with the upload grains' storage provider wrapped in a <see cref="CountingGrainStorage"/>.
/// </summary>
internal sealed class CountingSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private CountingSilo(IHost host)
    {
        _host = host;
    }

    /// <summary>What the upload grains have written to grain storage.</summary>
    public CountingGrainStorage Storage => (CountingGrainStorage)_host.Services.GetRequiredKeyedService<IGrainStorage>(UploadKeys.StorageName);

    public IBlockStore Blocks => _host.Services.GetRequiredService<IBlockStore>();

    public static async Task<CountingSilo> StartAsync(string root)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Uploads:Storage:Provider"] = "FileSystem",
            ["Uploads:Storage:FileSystem:Root"] = root,
            ["Uploads:Sweep:Enabled"] = "false",
        });
        builder.Services.AddLogging();
        builder.Services.AddUploadsStorage();
        builder.Services.AddUploadGrains();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(InProcessSilo.FreePort(), InProcessSilo.FreePort(), serviceId: "uploads-bench", clusterId: "bench-" + Guid.NewGuid().ToString("N"));
            silo.AddUploadsGrainStorage(UploadKeys.StorageName);
            var provider = silo.Services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, UploadKeys.StorageName));
            silo.Services.Remove(provider);
            silo.Services.AddKeyedSingleton<IGrainStorage>(
                UploadKeys.StorageName,
                (services, key) => new CountingGrainStorage(
                    (IGrainStorage)provider.KeyedImplementationFactory!(services, key),
                    services.GetRequiredService<IGrainStorageSerializer>()));
        });

        var host = builder.Build();
        await host.StartAsync();
        return new CountingSilo(host);
    }

    /// <summary>Upload <paramref name="uploadId"/>'s grain, called as the gateway calls it (with its retries).</summary>
    public IUploadGrain Upload(string uploadId, string tenant) =>
        new RetryingUploadGrain(_host.Services.GetRequiredService<IGrainFactory>().GetGrain<IUploadGrain>(UploadKeys.GrainKey(tenant, uploadId)));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
