using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests.Readme;

/// <summary>
/// README's walkthroughs, extracted from README.md and run with bash, curl and openssl against a real silo process:
/// a change to README that breaks an example fails here. Only the address is rewritten, from README's
/// <c>localhost:5000</c> to the silo's free loopback port.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class ReadmeExamplesTests
{
    private const string ReadmeAddress = "localhost:5000";
    private const string TusMarker = "--- tus ---";

    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task CurlWalkthroughs_RunAsWritten_ResumeAndDeliverIdenticalFiles()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        var readme = ReadmeDocument.Load();
        var walkthrough = readme.ShellBlock("An interrupted upload, resumed, with curl");
        var tus = readme.ShellBlock("tus clients");
        using var data = new TemporaryDirectory();
        using var work = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, cancellationToken: cancellationToken);

        // The tus block sends the big.bin of the walkthrough, as a reader who follows README in order does.
        var script = string.Join('\n', "set -eo pipefail", OnPort(walkthrough, silo.BaseAddress.Port), $"echo '{TusMarker}'", OnPort(tus, silo.BaseAddress.Port));
        var result = await ShellScript.RunAsync(work.FullPath, script, s_scriptTimeout, cancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe() + silo.DescribeOutput());
        var output = result.Output.Replace("\r", "", StringComparison.Ordinal);
        var marker = output.IndexOf(TusMarker, StringComparison.Ordinal);
        Assert.True(marker >= 0, result.Describe());
        var (curlOutput, tusOutput) = (output[..marker], output[marker..]);
        Assert.Contains("\"receivedChunks\":[[0,2]]", curlOutput, StringComparison.Ordinal);
        Assert.Contains("\"nextChunkIndex\":3", curlOutput, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"completed\"", curlOutput, StringComparison.Ordinal);
        Assert.Equal("identical", curlOutput.TrimEnd().Split('\n')[^1]);
        Assert.StartsWith("HTTP/1.1 200", tusOutput.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("Upload-Offset: 50000000\n", tusOutput, StringComparison.Ordinal);
        Assert.Contains("Upload-Length: 50000000\n", tusOutput, StringComparison.Ordinal);

        // Both uploads are complete and hold the bytes of big.bin.
        var file = await File.ReadAllBytesAsync(Path.Combine(work.FullPath, "big.bin"), cancellationToken);
        var list = await silo.Client.GetFromJsonAsync<JsonElement>("/v1/uploads?state=completed", cancellationToken);
        var ids = list.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("uploadId").GetString()).ToArray();
        Assert.Equal(2, ids.Length);
        foreach (var id in ids)
        {
            Assert.Equal(file, await silo.Client.GetByteArrayAsync($"/v1/uploads/{id}/content", cancellationToken));
        }
    }

    [Fact]
    public async Task DevelopmentToken_RunAsWritten_StartsJwtSiloAndListsTheTenantsUploads()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        var block = ReadmeDocument.Load().ShellBlock("Tenants and authentication");
        using var data = new TemporaryDirectory();
        var port = SiloProcess.GetFreeLoopbackPort();
        var pidFile = data.PathOf("silo.pid");
        var siloAssembly = SiloBuild.FindSiloAssembly();

        // README starts its silo with "dotnet run --project src/Silo &". Here that command runs the silo this test
        // project built, on the test's port and data folder, with the settings README puts before it, and records
        // its process id so the test can end it.
        var prelude = $$"""
            set -eo pipefail
            dotnet() {
              if [ "$*" != "run --project src/Silo" ]; then command dotnet "$@"; return; fi
              Uploads__Storage__Provider=FileSystem Uploads__Storage__FileSystem__Root='{{data.FullPath}}' \
                command '{{SiloBuild.FindDotnetHost()}}' '{{siloAssembly}}' --urls http://127.0.0.1:{{port}} \
                --contentRoot '{{Path.GetDirectoryName(siloAssembly)}}' > '{{data.PathOf("silo.log")}}' 2>&1 &
              echo $! > '{{pidFile}}'
            }
            """;
        try
        {
            var result = await ShellScript.RunAsync(
                SiloBuild.FindRepositoryRoot(), prelude + "\n" + OnPort(block, port), s_scriptTimeout, cancellationToken);

            Assert.True(result.ExitCode == 0, result.Describe() + SiloLog(data));
            Assert.Equal("""{"items":[],"nextCursor":null}""", result.Output.TrimEnd().Split('\n')[^1]);

            // The silo README started checks tokens: without one, the same list is refused.
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            using var anonymous = await client.GetAsync("/v1/uploads", cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        finally
        {
            await StopAsync(pidFile);
        }
    }

    private static string OnPort(string block, int port)
    {
        Assert.Contains(ReadmeAddress, block, StringComparison.Ordinal);
        return block.Replace(ReadmeAddress, $"127.0.0.1:{port}", StringComparison.Ordinal);
    }

    private static string SiloLog(TemporaryDirectory data) =>
        File.Exists(data.PathOf("silo.log")) ? $"{Environment.NewLine}--- silo ---{Environment.NewLine}{File.ReadAllText(data.PathOf("silo.log"))}" : "";

    /// <summary>Ends the silo the script started, by the id it recorded.</summary>
    private static async Task StopAsync(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return;
        }

        Process silo;
        try
        {
            silo = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return; // It has exited already.
        }

        using (silo)
        {
            silo.Kill(entireProcessTree: true);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await silo.WaitForExitAsync(exit.Token);
        }
    }
}
