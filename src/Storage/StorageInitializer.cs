using Microsoft.Extensions.Hosting;

namespace Uploads.Storage;

/// <summary>
/// Makes the stores ready before anything else of the host starts (the web server included): the FileSystem
/// provider creates its folders, the AzureBlob provider its containers. A store that cannot be made ready fails the
/// start, with the reason, instead of a silo that reports ready and then fails every request.
/// </summary>
internal sealed class StorageInitializer : IHostedLifecycleService
{
    private readonly ProviderStores _stores;

    public StorageInitializer(ProviderStores stores)
    {
        _stores = stores;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => _stores.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
