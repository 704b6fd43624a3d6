using System.Net;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>Settings given as environment variables, the way an operator writes them by hand, to a real silo process.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SiloSettingsTests
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AllowedOrigins_OneEnvironmentVariableWithTwoOrigins_AllowsBoth()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(
            data.FullPath,
            new Dictionary<string, string> { ["Uploads__Cors__AllowedOrigins"] = "https://app.example,https://other.example" },
            timeout.Token);

        foreach (var origin in new[] { "https://app.example", "https://other.example" })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/files/");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
            using var response = await silo.Client.SendAsync(preflight, timeout.Token);

            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
    }

    [Fact]
    public async Task AllowedOrigins_NotAnOrigin_StopsTheSiloAtStartWithHowToWriteIt()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(
            data.FullPath,
            new Dictionary<string, string> { ["Uploads__Cors__AllowedOrigins"] = "app.example" },
            timeout.Token));

        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
        Assert.Contains("Uploads:Cors:AllowedOrigins holds 'app.example'", error.Message, StringComparison.Ordinal);
    }
}
