using Uploads.Abstractions;
using Uploads.Storage;
using Uploads.Testing;

namespace Uploads.Grains.Tests;

/// <summary>Upload grains on Orleans' Azure Blob grain storage, on a real Azurite that goes away.</summary>
public sealed class AzureBlobGrainStorageTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _root = new();
    private AzuriteProcess _azurite = null!;
    private InProcessSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        _silo = await InProcessSilo.StartAsync(_root.FullPath, settings: new Dictionary<string, string?>
        {
            ["Uploads:Storage:Provider"] = "AzureBlob",
            ["Uploads:Storage:AzureBlob:ConnectionString"] = _azurite.ConnectionString,
            ["Uploads:Storage:AzureBlob:MaxRetries"] = "1",
            ["Uploads:Storage:AzureBlob:RequestTimeout"] = "00:00:02",
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _azurite.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task Create_ThenReadByANewActivation_RoundTripsThroughTheStateContainer()
    {
        await _silo.Upload("u1").CreateAsync(new CreateUploadCommand("a.bin", "application/octet-stream", 10, 65536, new Dictionary<string, string>()));
        await _silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var upload = await _silo.Upload("u1").GetAsync();

        Assert.Equal(("u1", UploadState.Created, 10L), (upload.UploadId, upload.State, upload.Size));
    }

    [Fact]
    public async Task Get_StoreUnreachableWhileTheGrainReadsItsState_IsStorageUnavailableNotAServerFault()
    {
        await _azurite.StopAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => _silo.Upload("never-loaded").GetAsync());

        var storage = Assert.IsType<StorageException>(FindStorageException(error), exactMatch: true);
        Assert.Equal(StorageErrorCode.Unavailable, storage.Code);
    }

    private static StorageException? FindStorageException(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is StorageException storage)
            {
                return storage;
            }
        }

        return null;
    }
}
