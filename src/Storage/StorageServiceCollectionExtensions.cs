using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uploads.Storage.AzureBlob;
using Uploads.Storage.FileSystem;

namespace Uploads.Storage;

/// <summary>Registers the storage of uploads.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> to the configuration section "Uploads:Storage", validates them when the
    /// host starts, and registers <see cref="IBlockStore"/> and <see cref="IGrainStateStore"/> as singletons of the
    /// provider the options name, made ready (folders, containers) when the host starts, before anything else of it.
    /// Uses the <see cref="TimeProvider"/> registered, or the system clock.
    /// </summary>
    /// <remarks>
    /// It also registers, for the AzureBlob provider, the one <see cref="BlobServiceClient"/> both stores use (through
    /// <c>Microsoft.Extensions.Azure</c>) and the <see cref="AzureBlobConnection"/> it belongs to, so that other
    /// components reuse the client and its settings; both are made on first use, so the FileSystem provider makes neither. Without a connection string the client is authorized by
    /// the <see cref="TokenCredential"/> registered, or by <see cref="DefaultAzureCredential"/>. The Azure SDK's own
    /// log events below Warning are filtered out: the stores log what failed.
    /// </remarks>
    public static IServiceCollection AddUploadsStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddLogging();
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(CreateAzureBlobConnection);
        services.AddAzureClients(clients => clients.AddClient<BlobServiceClient, BlobClientOptions>(
            static (_, services) => services.GetRequiredService<AzureBlobConnection>().Client));

        // The SDK logs every request at Information.
        services.Configure<LoggerFilterOptions>(static filters => filters.AddFilter("Azure", LogLevel.Warning));

        services.TryAddSingleton(CreateStores);
        services.TryAddSingleton(static sp => sp.GetRequiredService<ProviderStores>().BlockStore);
        services.TryAddSingleton(static sp => sp.GetRequiredService<ProviderStores>().StateStore);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageInitializer>());
        return services;
    }

    // The one place that knows the providers: both stores of a provider are made together, so they share
    // their settings and a new provider is one more branch here (and one in StorageOptionsValidator).
    private static ProviderStores CreateStores(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();

        if (StorageOptionsValidator.IsFileSystem(options.Provider))
        {
            // The FileSystem stores create their folders as they are made.
            return new ProviderStores(
                new FileSystemBlockStore(options.FileSystem, timeProvider, loggers.CreateLogger<FileSystemBlockStore>()),
                new FileSystemGrainStateStore(options.FileSystem, timeProvider, loggers.CreateLogger<FileSystemGrainStateStore>()),
                static _ => Task.CompletedTask);
        }

        if (StorageOptionsValidator.IsAzureBlob(options.Provider))
        {
            // The registered BlobServiceClient is this connection's client: one for the process.
            var connection = services.GetRequiredService<AzureBlobConnection>();
            var blockStore = new AzureBlobBlockStore(connection, timeProvider, loggers.CreateLogger<AzureBlobBlockStore>());
            var stateStore = new AzureBlobGrainStateStore(connection, loggers.CreateLogger<AzureBlobGrainStateStore>());
            return new ProviderStores(
                blockStore,
                stateStore,
                cancellationToken => Task.WhenAll(
                    blockStore.EnsureContainerExistsAsync(cancellationToken),
                    stateStore.EnsureContainerExistsAsync(cancellationToken)));
        }

        // Unreachable once StorageOptionsValidator has run; kept so a gap between the two fails loudly.
        throw new InvalidOperationException($"{StorageOptions.SectionName}:Provider \"{options.Provider}\" is not a known provider.");
    }

    private static AzureBlobConnection CreateAzureBlobConnection(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<StorageOptions>>().Value.AzureBlob;
        var credential = string.IsNullOrEmpty(settings.ConnectionString) ? services.GetService<TokenCredential>() ?? CreateDefaultCredential() : null;
        return AzureBlobConnection.Create(settings, credential);
    }

    // Apart, so that Azure.Identity is loaded only when it signs in: a silo with a connection string never needs it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TokenCredential CreateDefaultCredential() => new DefaultAzureCredential();
}
