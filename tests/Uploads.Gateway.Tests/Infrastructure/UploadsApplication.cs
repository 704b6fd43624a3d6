using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Testing;

namespace Uploads.Gateway.Tests.Infrastructure;

/// <summary>
/// The whole silo (gateway, grains, file-system store) in process behind a test server, over a temporary store root
/// of its own that is deleted on dispose. Settings override appsettings.json; service overrides run last, so they
/// can swap the clock or wrap the block store.
/// </summary>
public sealed class UploadsApplication : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    public UploadsApplication(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _configureServices = configureServices;
        Root = Path.Combine(Path.GetTempPath(), "uploads-gateway-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The store root of this application only.</summary>
    public string Root { get; }

    /// <summary>A client whose every response is checked not to be a 500.</summary>
    public HttpClient CreateApiClient() => CreateDefaultClient(new ServerErrorGuard());

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>(_settings)
        {
            ["Uploads:Storage:FileSystem:Root"] = Root,
        };
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));

        // Each application is a silo of its own: Orleans' ports are free ones on loopback, read while Program composes it.
        builder.UseSetting("Orleans:Endpoints:SiloPort", InProcessSilo.FreePort().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:Endpoints:GatewayPort", InProcessSilo.FreePort().ToString(CultureInfo.InvariantCulture));
        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }
}
