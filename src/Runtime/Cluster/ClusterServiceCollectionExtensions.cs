using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Uploads.Storage;

namespace Uploads.Runtime.Cluster;

/// <summary>Registers a silo's membership of a cluster, and how exceptions cross between silos.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime (<see cref="GrainRuntimeServiceCollectionExtensions.AddGrainRuntime"/>) as a member of a
    /// cluster: <see cref="ClusterOptions"/> bound from section <c>Uploads:Cluster</c> and validated on start,
    /// <see cref="IClusterMembership"/>, membership in the grain state store with heartbeats (a hosted service that
    /// joins on start and leaves on stop), placement of grains over the live silos and forwarding of their calls. With
    /// no <see cref="ClusterOptions.InternalUrl"/> configured the silo runs alone, exactly as the runtime without this.
    /// The host also calls <see cref="ClusterWebHostBuilderExtensions.UseGrainClusterInternalUrl"/> and
    /// <see cref="ClusterApplicationBuilderExtensions.UseGrainClusterEndpoint"/> to serve the internal endpoint.
    /// Calling it again adds nothing.
    /// </summary>
    public static IServiceCollection AddGrainCluster(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGrainRuntime();

        // Options binding is not idempotent (each call adds a configure step), so the whole cluster is added once.
        if (services.Any(descriptor => descriptor.ServiceType == typeof(ClusterMembership)))
        {
            return services;
        }

        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.TryAddSingleton<ClusterMembership>();
        services.TryAddSingleton<IClusterMembership>(static provider => provider.GetRequiredService<ClusterMembership>());
        services.TryAddSingleton<InFlightCalls>();
        services.TryAddSingleton<GrainExceptionCodecs>();
        services.TryAddSingleton<GrainCallSerializer>();
        services.TryAddSingleton<GrainCallForwarder>();
        services.TryAddSingleton<ClusterGrainCallInvoker>();
        services.TryAddSingleton<ClusterEndpoint>();

        // Decided when the container builds it, from configuration: a single silo keeps the local catalog as its invoker.
        services.Replace(ServiceDescriptor.Singleton<IGrainCallInvoker>(static provider =>
            provider.GetRequiredService<IOptions<ClusterOptions>>().Value.IsClustered
                ? provider.GetRequiredService<ClusterGrainCallInvoker>()
                : provider.GetRequiredService<ActivationCatalog>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ClusterHost>());

        // The runtime's own exceptions cross as themselves: an unavailable store stays retryable, a conflict stays a conflict.
        services.AddGrainExceptionCodec<StorageException, StorageFault>(
            "storage",
            static exception => new StorageFault(exception.Code),
            static (message, fault) => new StorageException(fault.Code, message));
        services.AddGrainExceptionCodec("inconsistent-state", static message => new InconsistentStateException(message));
        services.AddGrainExceptionCodec<SiloUnavailableException, SiloUnavailableFault>(
            "silo-unavailable",
            static exception => new SiloUnavailableFault(exception.RetryAfter),
            static (message, fault) => new SiloUnavailableException(message, fault.RetryAfter));
        return services;
    }

    /// <summary>
    /// Lets exceptions of type <typeparamref name="TException"/> (and of derived types without a codec of their own)
    /// thrown by a grain on one silo reach the caller on another as themselves: the owner sends the message and
    /// <paramref name="toData"/> of the exception as JSON, and the caller rebuilds it with <paramref name="fromData"/>.
    /// An exception of a type without a codec reaches the caller as a <see cref="RemoteGrainException"/>.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="name">The codec's name on the wire, the same on every silo, such as <c>upload</c>.</param>
    /// <param name="toData">What to keep of an exception besides its message; serialized as JSON.</param>
    /// <param name="fromData">Rebuilds the exception from its message and the data kept.</param>
    public static IServiceCollection AddGrainExceptionCodec<TException, TData>(
        this IServiceCollection services,
        string name,
        Func<TException, TData> toData,
        Func<string, TData, TException> fromData)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(GrainExceptionCodec.Create(name, toData, fromData));
        return services;
    }

    /// <summary>Like <see cref="AddGrainExceptionCodec{TException, TData}"/> for an exception that its message alone rebuilds.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="name">The codec's name on the wire, the same on every silo.</param>
    /// <param name="fromMessage">Rebuilds the exception from its message.</param>
    public static IServiceCollection AddGrainExceptionCodec<TException>(this IServiceCollection services, string name, Func<string, TException> fromMessage)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(GrainExceptionCodec.Create(name, fromMessage));
        return services;
    }

    private sealed record StorageFault(StorageErrorCode Code);

    private sealed record SiloUnavailableFault(TimeSpan RetryAfter);
}
