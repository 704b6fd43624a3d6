using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Uploads.Storage.AzureBlob;
using Uploads.Storage.FileSystem;

namespace Uploads.Storage;

/// <summary>Registers the Orleans grain storage that belongs with the configured block store.</summary>
public static class UploadsGrainStorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds a grain storage provider named <paramref name="name"/> on the provider that
    /// <c>Uploads:Storage:Provider</c> names, so that one setting switches both the bytes and the state: the data
    /// folder (<see cref="FileSystemGrainStorage"/>) or Orleans' Azure Blob grain storage in the state container, through
    /// the process's one <see cref="AzureBlobConnection"/>.
    /// Grain state is serialized with System.Text.Json on both.
    /// </summary>
    public static ISiloBuilder AddUploadsGrainStorage(this ISiloBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSystemTextJsonGrainStorageSerializer();
        var provider = builder.Configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.Provider)}"] ?? StorageOptions.FileSystemProvider;
        if (StorageOptionsValidator.IsAzureBlob(provider))
        {
            // Orleans' provider under a name of its own; the grains get it through the adapter, which reports a store
            // failure as ours are reported.
            var inner = name + "-azure-blob";
            builder.Services.AddAzureBlobGrainStorage(inner, (OptionsBuilder<Orleans.Configuration.AzureBlobStorageOptions> options) =>
                options.Configure<AzureBlobConnection>((blob, connection) =>
                {
                    // The process's one client: the block store's, with its retries, timeouts and credential.
                    blob.BlobServiceClient = connection.Client;
                    blob.ContainerName = connection.StateContainer;
                }));
            builder.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => new AzureBlobGrainStorageAdapter(
                services.GetRequiredKeyedService<IGrainStorage>(inner),
                services.GetRequiredService<AzureBlobConnection>().BlobEndpoint));
            return builder;
        }

        return builder.AddFileSystemGrainStorage(name);
    }
}
