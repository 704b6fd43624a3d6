using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Uploads.Storage;

namespace Uploads.Runtime;

/// <summary>Registers the grain runtime and the grains it hosts.</summary>
public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime of one silo: <see cref="IGrainFactory"/>, the catalog of activations, idle collection and
    /// deactivation of every activation on host stop (a hosted service), <see cref="IGrainRuntimeStatistics"/>, and
    /// <see cref="GrainRuntimeOptions"/> bound from section <c>Uploads:Runtime</c> and validated on start. The caller
    /// registers the <see cref="IGrainStateStore"/> and an <c>IConfiguration</c>. Calling it again adds nothing.
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Options binding is not idempotent (each call adds a configure step), so the whole runtime is added once.
        if (services.Any(descriptor => descriptor.ServiceType == typeof(ActivationCatalog)))
        {
            return services;
        }

        services.AddOptions<GrainRuntimeOptions>().BindConfiguration(GrainRuntimeOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainRuntimeOptions>, GrainRuntimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<GrainRuntimeMetrics>();
        services.TryAddSingleton<GrainTypeRegistry>();
        services.TryAddSingleton<PersistentStateFactory>();
        services.TryAddSingleton<ActivationCatalog>();
        services.TryAddSingleton<IGrainCallInvoker>(static provider => provider.GetRequiredService<ActivationCatalog>());
        services.TryAddSingleton<IGrainRuntimeStatistics>(static provider => provider.GetRequiredService<ActivationCatalog>());
        services.TryAddSingleton<IGrainFactory, GrainFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ActivationCollector>());
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TGrain"/> as the grain class behind <typeparamref name="TGrainInterface"/>, under the
    /// grain type name <paramref name="grainType"/> (part of every <see cref="GrainId"/> of it), and adds the runtime
    /// (<see cref="AddGrainRuntime"/>) if it is not there yet. Each interface and each type name is registered once.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="grainType">The grain type name: one valid storage name segment, such as <c>upload</c>.</param>
    /// <exception cref="ArgumentException">The type name is not a valid segment, or the interface cannot be called through a grain reference.</exception>
    public static IServiceCollection AddGrain<TGrainInterface, TGrain>(this IServiceCollection services, string grainType)
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!StorageNames.IsValidSegment(grainType))
        {
            throw new ArgumentException($"'{grainType}' is not a valid grain type name; use one storage name segment of [A-Za-z0-9._~-], such as \"upload\".", nameof(grainType));
        }

        if (!typeof(TGrainInterface).IsInterface)
        {
            throw new ArgumentException($"{typeof(TGrainInterface)} is not an interface; register the grain interface that callers use, not a class.");
        }

        if (typeof(TGrain).IsAbstract)
        {
            throw new ArgumentException($"{typeof(TGrain)} is abstract; register a grain class the runtime can create.");
        }

        // Fails at registration rather than on the first call when a method cannot be a grain call.
        GrainTypeRegistry.ValidateInterface(typeof(TGrainInterface));

        services.AddGrainRuntime();
        services.AddSingleton(new GrainRegistration(grainType, typeof(TGrainInterface), typeof(TGrain)));
        return services;
    }
}
