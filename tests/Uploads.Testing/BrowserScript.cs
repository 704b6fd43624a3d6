using System.Text.Json;

namespace Uploads.Testing;

/// <summary>
/// Runs <c>tests/node/browser-page.mjs</c>: one scenario of the upload page (or of a tus client in a browser) in a real
/// Chromium driven by playwright-core. The browser is Debian's <c>chromium</c> (<c>apt-get install chromium</c>, as
/// .ci/run does) at <c>/usr/bin/chromium</c>, or the one <c>UPLOADS_CHROMIUM</c> names; playwright-core comes from the
/// repository's npm packages.
/// </summary>
public static class BrowserScript
{
    private const string ScriptPath = "tests/node/browser-page.mjs";
    private const string DefaultChromium = "/usr/bin/chromium";

    /// <summary>The Chromium executable the scenarios start.</summary>
    /// <exception cref="InvalidOperationException">When it is not installed, with how to install it.</exception>
    public static string FindChromium()
    {
        var path = Environment.GetEnvironmentVariable("UPLOADS_CHROMIUM") is { Length: > 0 } configured ? configured : DefaultChromium;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {path}: install Debian's package with 'apt-get update && apt-get install -y chromium' (.ci/run does), or set UPLOADS_CHROMIUM to a Chromium executable.");
        }

        return path;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> against the silo at <paramref name="silo"/> with <paramref name="options"/>
    /// (camelCase names, as the script reads them) and returns the script's answer; the browser and everything the
    /// script started end with it, and the script is killed if it outlives <paramref name="timeout"/>.
    /// </summary>
    public static async Task<JsonElement> RunAsync(string scenario, Uri silo, IReadOnlyDictionary<string, object?> options, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await NodePackages.EnsureInstalledAsync(Path.Combine("playwright-core", "package.json"), cancellationToken);
        var arguments = new Dictionary<string, object?>(options)
        {
            ["scenario"] = scenario,
            ["silo"] = silo.GetLeftPart(UriPartial.Authority),
            ["chromium"] = FindChromium(),
            ["timeoutMs"] = (int)(timeout - TimeSpan.FromSeconds(20)).TotalMilliseconds,
        };
        return await NodeScript.RunAsync(ScriptPath, arguments, timeout, cancellationToken);
    }
}
