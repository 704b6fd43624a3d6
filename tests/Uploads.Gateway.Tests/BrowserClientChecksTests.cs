using System.Diagnostics;
using Uploads.Testing;

namespace Uploads.Gateway.Tests;

/// <summary>
/// The browser client and the page are plain ES modules with JSDoc types, served as they are: TypeScript checks them
/// (<c>tsc -p tsconfig.json</c>, strict, nothing emitted), and node's test runner runs the unit tests of their pure
/// parts (<c>tests/node/browser-client.test.mjs</c>). The browser itself is exercised by the end-to-end tests.
/// </summary>
public sealed class BrowserClientChecksTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task BrowserClient_CheckedByTsc_HasNoTypeErrors()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        var tsc = await NodePackages.EnsureInstalledAsync(Path.Combine("typescript", "bin", "tsc"), timeout.Token);

        var (exitCode, output) = await RunNodeAsync([tsc, "-p", "tsconfig.json"], timeout.Token);

        Assert.True(exitCode == 0, $"tsc exited with {exitCode}:{Environment.NewLine}{output}");
    }

    [Fact]
    public async Task BrowserClient_UnitTestsOfItsPureParts_Pass()
    {
        using var timeout = new CancellationTokenSource(s_timeout);

        var (exitCode, output) = await RunNodeAsync(["--test", Path.Combine("tests", "node", "browser-client.test.mjs")], timeout.Token);

        Assert.True(exitCode == 0, $"node --test exited with {exitCode}:{Environment.NewLine}{output}");
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "node.exe" : "node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = NodePackages.RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await errors);
    }
}
