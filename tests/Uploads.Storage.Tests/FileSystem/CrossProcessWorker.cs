using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.FileSystem;

namespace Uploads.Storage.Tests.FileSystem;

/// <summary>
/// Another process incrementing a counter in a shared data folder: the test assembly started again with
/// <c>dotnet Uploads.Storage.Tests.dll increment {root} {key} {count}</c>. It says "ready" once its store is
/// open and waits for a line on its input before it starts, so the test can make the writers overlap.
/// </summary>
public sealed class CrossProcessWorker : IDisposable
{
    private const string ReadyLine = "ready";

    private readonly Process _process;
    private readonly Task<string> _errors;

    private CrossProcessWorker(Process process)
    {
        _process = process;
        _errors = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The worker's entry point (the test assembly's Main).</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["increment", var root, var key, var countText] || !int.TryParse(countText, out var count))
        {
            await Console.Error.WriteLineAsync("Usage: increment <root> <key> <count>");
            return 2;
        }

        var store = new FileSystemGrainStateStore(new FileSystemStorageOptions { Root = root }, TimeProvider.System, NullLogger<FileSystemGrainStateStore>.Instance);
        await Console.Out.WriteLineAsync(ReadyLine);
        await Console.Out.FlushAsync();
        await Console.In.ReadLineAsync();

        for (var i = 0; i < count; i++)
        {
            await StateCounter.IncrementAsync(store, key);
        }

        return 0;
    }

    public static CrossProcessWorker Start(string root, string key, int count)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { typeof(CrossProcessWorker).Assembly.Location, "increment", root, key, count.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return new CrossProcessWorker(Process.Start(start) ?? throw new InvalidOperationException("Could not start a worker process."));
    }

    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line != ReadyLine)
        {
            throw new InvalidOperationException($"The worker process said '{line}' instead of '{ReadyLine}': {await _errors}");
        }
    }

    public async Task GoAsync(CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(ReadOnlyMemory<char>.Empty, cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    public async Task<(int ExitCode, string Errors)> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return (_process.ExitCode, await _errors);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    // The test host runs under the dotnet muxer, which can start this assembly too; the SDK also names it in DOTNET_HOST_PATH.
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    }
}
