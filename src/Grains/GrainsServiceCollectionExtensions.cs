using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Uploads.Runtime;
using Uploads.Runtime.Cluster;

namespace Uploads.Grains;

/// <summary>Registers the upload grains and what they need.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IUploadGrain"/>, <see cref="ITenantGrain"/>, <see cref="UploadCatalog"/>, <see cref="UploadLimiter"/>,
    /// the background sweep, <see cref="UploadOptions"/> (section <c>Uploads</c>, validated on start), and the codec
    /// that carries an <see cref="UploadException"/> between silos.
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

        // A refusal of an upload grain on another silo reaches the gateway that forwarded the call as itself.
        services.AddGrainExceptionCodec<UploadException, UploadRefusal>(
            "upload",
            static exception => new UploadRefusal(exception.Code, exception.MissingChunks),
            static (message, refusal) => new UploadException(refusal.Code, message, refusal.MissingChunks));
        return services;
    }

    private sealed record UploadRefusal(string Code, IReadOnlyList<ChunkRange>? MissingChunks);
}
