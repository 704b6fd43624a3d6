using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.AzureBlob;
using Uploads.Testing;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>One Azurite for the tests of the <see cref="AzuriteCollection"/>, and one client to it, as a silo has.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private AzureBlobClient? _client;

    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public AzureBlobClient Client => _client ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>Options for this Azurite, with the provider's defaults otherwise.</summary>
    public AzureBlobStorageOptions Options => new() { ConnectionString = Azurite.ConnectionString };

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        _client = new AzureBlobClient(Options, TimeProvider.System, NullLogger<AzureBlobClient>.Instance);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
