using System.Diagnostics;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// A Node server of the repository (bench/node) on a free loopback port, started with its options as one JSON
/// argument and ready once it prints "ready". Whoever starts one owns it: disposing it ends the process, by its id.
/// </summary>
internal sealed class NodeServer : IAsyncDisposable
{
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private Task<string>? _errors;

    private NodeServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>The tus endpoint of a tus server: <c>http://127.0.0.1:{port}/files/</c>.</summary>
    public Uri TusEndpoint => new($"http://127.0.0.1:{Port}/files/");

    /// <summary>Starts <paramref name="script"/> (relative to the repository) with <paramref name="options"/> and a <c>port</c>.</summary>
    public static async Task<NodeServer> StartAsync(string script, IReadOnlyDictionary<string, object> options)
    {
        await NodePackages.EnsureInstalledAsync(Path.Combine("@tus", "server", "package.json"), CancellationToken.None);
        var port = SiloProcess.GetFreeLoopbackPort();
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = NodePackages.RepositoryRoot,
        };
        startInfo.ArgumentList.Add(Path.Combine(NodePackages.RepositoryRoot, script));
        startInfo.ArgumentList.Add(JsonSerializer.Serialize(new Dictionary<string, object>(options) { ["port"] = port }));
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start node {script}.");
        var server = new NodeServer(process, port);
        using var timeout = new CancellationTokenSource(s_readyTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line == "ready")
                {
                    // Keep draining both streams so the server never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync();
                    server._errors = process.StandardError.ReadToEndAsync();
                    return server;
                }
            }

            throw new InvalidOperationException($"node {script} exited before it was ready: {await process.StandardError.ReadToEndAsync()}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the server wrote to its standard error, once it has exited; for failure messages.</summary>
    public string DescribeExit() =>
        _process.HasExited ? $" The server exited with {_process.ExitCode}: {(_errors is { IsCompleted: true } errors ? errors.Result : "")}" : "";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
