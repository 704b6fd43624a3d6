using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Uploads.Runtime;

namespace Uploads.Grains;

/// <summary>Registers the upload grains and what they need.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IUploadGrain"/>, <see cref="ITenantGrain"/>, <see cref="UploadCatalog"/>, <see cref="UploadLimiter"/>,
    /// the background sweep, and <see cref="UploadOptions"/> (section <c>Uploads</c>, validated on start).
    /// </summary>
    public static IServiceCollection AddUploadGrains(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UploadCatalog>();
        services.TryAddSingleton<UploadLimiter>();
        services.TryAddSingleton<UploadSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<UploadSweeper>());
        services.AddGrain<IUploadGrain, UploadGrain>(UploadKeys.GrainType);
        services.AddGrain<ITenantGrain, TenantGrain>(UploadKeys.TenantGrainType);
        return services;
    }
}
