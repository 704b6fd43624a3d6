using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Uploads.Runtime.Cluster;

/// <summary>Makes the web server listen on the cluster's internal URL too.</summary>
public static class ClusterWebHostBuilderExtensions
{
    // Kestrel's own default when no URL is configured.
    private const string DefaultPublicUrl = "http://localhost:5000";

    /// <summary>
    /// When <c>Uploads:Cluster:InternalUrl</c> is set, adds it to the URLs the server listens on, after the public ones
    /// (<c>--urls</c>, <c>ASPNETCORE_URLS</c> or <c>Urls</c>, which keep working as before). Explicit Kestrel endpoints
    /// would replace both, so configure URLs, not <c>Kestrel:Endpoints</c>, on a silo of a cluster.
    /// </summary>
    /// <exception cref="InvalidOperationException">A public URL uses the internal URL's port: the two must not share a port.</exception>
    public static IWebHostBuilder UseGrainClusterInternalUrl(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(webHost);
        ArgumentNullException.ThrowIfNull(configuration);
        var internalUrl = configuration[$"{ClusterOptions.SectionName}:{nameof(ClusterOptions.InternalUrl)}"]?.Trim();
        if (string.IsNullOrEmpty(internalUrl) || !Uri.TryCreate(internalUrl, UriKind.Absolute, out var internalUri))
        {
            // A single silo, or an internal URL the options validator reports, with how to fix it, when the host starts.
            return webHost;
        }

        var publicUrls = webHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } configured ? configured : DefaultPublicUrl;
        foreach (var url in publicUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (BindingAddress.Parse(url).Port == internalUri.Port)
            {
                throw new InvalidOperationException(
                    $"The public URL {url} and {ClusterOptions.SectionName}:InternalUrl {internalUrl} share port {internalUri.Port}; give the internal endpoint a port of its own, so that the public port never serves it.");
            }
        }

        return webHost.UseSetting(WebHostDefaults.ServerUrlsKey, $"{publicUrls};{internalUri.GetLeftPart(UriPartial.Authority)}");
    }
}
