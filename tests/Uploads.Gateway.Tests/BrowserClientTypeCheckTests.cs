using System.Diagnostics;
using Uploads.Testing;

namespace Uploads.Gateway.Tests;

/// <summary>
/// The browser client and the page are plain ES modules with JSDoc types: TypeScript checks them
/// (<c>tsc -p tsconfig.json</c>, strict, nothing emitted), so what the gateway serves is what was checked.
/// </summary>
public sealed class BrowserClientTypeCheckTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task BrowserClient_CheckedByTsc_HasNoTypeErrors()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        var tsc = await NodePackages.EnsureInstalledAsync(Path.Combine("typescript", "bin", "tsc"), timeout.Token);
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "node.exe" : "node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = NodePackages.RepositoryRoot,
        };
        startInfo.ArgumentList.Add(tsc);
        startInfo.ArgumentList.Add("-p");
        startInfo.ArgumentList.Add("tsconfig.json");

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"tsc exited with {process.ExitCode}:{Environment.NewLine}{await output}{await errors}");
    }
}
