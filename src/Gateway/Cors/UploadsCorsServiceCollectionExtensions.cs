using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Uploads.Gateway.Tus;

namespace Uploads.Gateway.Cors;

/// <summary>Registers the CORS policy of browser clients (<see cref="UploadsCorsOptions"/>).</summary>
public static class UploadsCorsServiceCollectionExtensions
{
    /// <summary>The name of the policy the host applies with <c>UseCors</c>.</summary>
    public const string PolicyName = "uploads";

    /// <summary>
    /// Adds the policy: the origins configured, any method and request header, and the response headers a client
    /// must read exposed (tus's, Location, Retry-After, ETag, Content-Disposition).
    /// </summary>
    public static IServiceCollection AddUploadsCors(this IServiceCollection services)
    {
        services.AddOptions<UploadsCorsOptions>()
            .BindConfiguration(UploadsCorsOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                // The binder takes a list from its numbered keys (Uploads__Cors__AllowedOrigins__0=...) and passes over a
                // value of the list's own key, the way an environment variable is written by hand: split that value.
                var listed = configuration[$"{UploadsCorsOptions.SectionName}:{nameof(UploadsCorsOptions.AllowedOrigins)}"];
                foreach (var origin in (listed ?? "").Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!options.AllowedOrigins.Contains(origin))
                    {
                        options.AllowedOrigins.Add(origin);
                    }
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadsCorsOptions>, UploadsCorsOptionsValidator>());
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<UploadsCorsOptions>>((cors, settings) => cors.AddPolicy(PolicyName, policy =>
        {
            var origins = settings.Value.AllowedOrigins;
            if (origins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. origins]);
            }

            policy.AllowAnyMethod()
                .AllowAnyHeader()
                .WithExposedHeaders([.. TusHeaders.Exposed, HeaderNames.RetryAfter, HeaderNames.ETag, HeaderNames.ContentDisposition])
                .SetPreflightMaxAge(settings.Value.PreflightMaxAge);
        }));
        return services;
    }
}
