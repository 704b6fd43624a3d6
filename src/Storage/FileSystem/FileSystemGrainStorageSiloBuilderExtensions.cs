using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Uploads.Storage.FileSystem;

/// <summary>Registers <see cref="FileSystemGrainStorage"/> as a named Orleans grain storage provider.</summary>
public static class FileSystemGrainStorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds a grain storage provider named <paramref name="name"/> that keeps grain state in the data folder of the
    /// FileSystem store (<see cref="FileSystemStorageOptions.Root"/>), serialized by the silo's
    /// <see cref="IGrainStorageSerializer"/>.
    /// </summary>
    public static ISiloBuilder AddFileSystemGrainStorage(this ISiloBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGrainStorage(
            name,
            static (services, providerName) => new FileSystemGrainStorage(
                providerName,
                services.GetRequiredService<IGrainStateStore>(),
                services.GetRequiredService<IGrainStorageSerializer>()));
        return builder;
    }
}
