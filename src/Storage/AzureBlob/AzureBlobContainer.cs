using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// One container of a store: created once, on first use (the silo also creates it on start), unless it exists. Every
/// operation of the store waits for that; later calls return at once. A failed creation is tried again by the next call.
/// </summary>
internal sealed partial class AzureBlobContainer
{
    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private Task? _creation;

    public AzureBlobContainer(BlobServiceClient service, string name, ILogger logger)
    {
        Client = service.GetBlobContainerClient(name);
        _logger = logger;
    }

    public BlobContainerClient Client { get; }

    public string Name => Client.Name;

    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Unavailable"/> when the container cannot be created.</exception>
    public Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        var creation = Volatile.Read(ref _creation);
        if (creation is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            // Let a failure of the moment be tried again rather than remembered.
            if (_creation is null or { IsFaulted: true } or { IsCanceled: true })
            {
                _creation = CreateAsync();
            }

            creation = _creation;
        }

        return creation.WaitAsync(cancellationToken);
    }

    private async Task CreateAsync()
    {
        try
        {
            // Not the caller's token: the creation is shared by every caller that waits for it.
            if (await Client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false) is not null)
            {
                LogContainerCreated(Name, Client.Uri);
            }
        }
        catch (Exception ex) when (AzureBlobErrors.IsStoreFailure(ex, CancellationToken.None))
        {
            throw AzureBlobErrors.Unavailable("Create Container", Name, Client.Uri, ex);
        }
    }
}
