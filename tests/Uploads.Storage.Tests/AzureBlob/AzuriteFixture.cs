using Uploads.Storage.AzureBlob;
using Uploads.Testing;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>One Azurite for the tests of the <see cref="AzuriteCollection"/>, and one connection to it, as a silo has.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private AzureBlobConnection? _connection;

    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public AzureBlobConnection Connection => _connection ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>Options for this Azurite, with the provider's defaults otherwise.</summary>
    public AzureBlobStorageOptions Options => new() { ConnectionString = Azurite.ConnectionString };

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        _connection = AzureBlobConnection.Create(Options, credential: null);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
