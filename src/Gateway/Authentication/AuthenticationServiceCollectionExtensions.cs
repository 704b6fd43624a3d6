using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Uploads.Gateway.Tenancy;

namespace Uploads.Gateway.Authentication;

/// <summary>Registers the authentication of the API in the mode <c>Uploads:Auth:Mode</c> names.</summary>
public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="AuthOptions"/> (validated on start), both schemes with the one of the configured mode as the
    /// default, and the <see cref="UploadsAuthenticationDefaults.TenantPolicy"/> policy the API endpoints require.
    /// </summary>
    public static IServiceCollection AddUploadsAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, LocalAuthenticationHandler>(UploadsAuthenticationDefaults.LocalScheme, configureOptions: null)
            .AddScheme<AuthenticationSchemeOptions, JwtAuthenticationHandler>(UploadsAuthenticationDefaults.JwtScheme, configureOptions: null);

        // The mode is read from the options, not at registration, so every configuration source has been applied.
        services.AddOptions<AuthenticationOptions>().Configure<IOptions<AuthOptions>>((authentication, auth) =>
            authentication.DefaultScheme = auth.Value.IsJwt ? UploadsAuthenticationDefaults.JwtScheme : UploadsAuthenticationDefaults.LocalScheme);

        services.AddAuthorizationBuilder()
            .AddPolicy(UploadsAuthenticationDefaults.TenantPolicy, policy => policy.RequireClaim(TenantHttpContextExtensions.TenantClaimType));
        return services;
    }
}
