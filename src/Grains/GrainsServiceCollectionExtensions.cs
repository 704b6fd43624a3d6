using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Uploads.Grains;

/// <summary>Registers what the upload grains need beside Orleans.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="UploadCatalog"/>, <see cref="UploadLimiter"/>, the background trigger of the sweep, and
    /// <see cref="UploadOptions"/> (section <c>Uploads</c>, validated on start). The grains themselves are found by
    /// Orleans in this assembly.
    /// </summary>
    public static IServiceCollection AddUploadGrains(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UploadCatalog>();
        services.TryAddSingleton<UploadLimiter>();
        services.AddHostedService<UploadSweeper>();
        return services;
    }
}
