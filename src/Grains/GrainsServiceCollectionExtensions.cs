using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Uploads.Runtime;

namespace Uploads.Grains;

/// <summary>Registers the upload grains and what they need.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IUploadGrain"/>, <see cref="UploadCatalog"/> and <see cref="UploadOptions"/> (section <c>Uploads</c>, validated on start).</summary>
    public static IServiceCollection AddUploadGrains(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UploadCatalog>();
        services.AddGrain<IUploadGrain, UploadGrain>(UploadKeys.GrainType);
        return services;
    }
}
