using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Uploads.Testing;
using Xunit.Abstractions;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Third-party tus clients, unmodified, in a real Chromium against <c>/files/</c> of a real silo, from a page of
/// another origin that the silo allows (<c>Uploads:Cors:AllowedOrigins</c>): Uppy with @uppy/tus, bundled as an
/// application bundles it, and tus-js-client's own browser build.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class BrowserTusClientTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("uppy")]
    [InlineData("tusjs")]
    public async Task TusClient_InABrowserOnAnotherOrigin_UploadsThroughFiles(string client)
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        var pageOrigin = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{SiloProcess.GetFreeLoopbackPort()}");
        await using var silo = await SiloProcess.StartAsync(
            data.FullPath,
            new Dictionary<string, string> { ["Uploads__Cors__AllowedOrigins__0"] = pageOrigin },
            timeout.Token);
        var file = BrowserPageTests.WriteFile(data, (10 * MiB) + 12345);

        var result = await BrowserScript.RunAsync(client, silo.BaseAddress, new Dictionary<string, object?> { ["file"] = file.Path, ["pageOrigin"] = pageOrigin }, s_scriptTimeout, timeout.Token);
        output.WriteLine(result.ToString());

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Empty(result.GetProperty("failed").EnumerateArray());
        var uploadUrl = new Uri(result.GetProperty("successful")[0].GetProperty("uploadURL").GetString()!);
        Assert.StartsWith("/files/", uploadUrl.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(SHA256.HashData(file.Bytes), SHA256.HashData(await silo.Client.GetByteArrayAsync(uploadUrl.AbsolutePath, timeout.Token)));
        var upload = await silo.Client.GetFromJsonAsync<JsonElement>($"/v1/uploads/{uploadUrl.Segments[^1]}", timeout.Token);
        Assert.Equal("completed", upload.GetProperty("state").GetString());
        Assert.Equal(Path.GetFileName(file.Path), upload.GetProperty("fileName").GetString());
    }
}
