using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Uploads.Testing;

/// <summary>
/// Azurite's blob service (<c>azurite-blob</c> from the repository's npm install) on a free loopback port, with its
/// data in a temporary folder. It can be stopped and started again on the same port and folder, to stand for an
/// outage of the storage. Whoever starts one owns it: <see cref="DisposeAsync"/> ends the process it started, by id,
/// and deletes the folder.
/// </summary>
/// <remarks>
/// When Azurite is not installed (a fresh clone), the first start installs it (<see cref="NodePackages"/>). Without
/// npm, or when the install fails, it throws with what to do: tests that need Azure storage fail loudly rather than skip.
/// </remarks>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The emulator's account, the same on every machine.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known key, published by Microsoft: not a secret.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int MaxOutputLines = 100;
    private const int SigTerm = 15;
    private const int StartAttempts = 3;

    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    private readonly string _azuriteScript;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;

    private AzuriteProcess(string azuriteScript, string location, int port)
    {
        _azuriteScript = azuriteScript;
        Location = location;
        Port = port;
    }

    /// <summary>The loopback port Azurite listens on; the same after <see cref="RestartAsync"/>.</summary>
    public int Port { get; }

    /// <summary>The folder that holds Azurite's data.</summary>
    public string Location { get; }

    /// <summary>The blob endpoint, path-style: <c>http://127.0.0.1:{port}/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    /// <summary>A connection string for this instance, as Azurite's documentation writes it.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>Whether the Azurite process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The id of the running process, or null.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Azurite's last lines of output, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_outputLock)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>
    /// Starts Azurite on a free loopback port with a new temporary folder, installing it first when needed, and
    /// returns once it accepts connections.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var script = await NodePackages.EnsureInstalledAsync(Path.Combine("azurite", "dist", "src", "blob", "main.js"), cancellationToken);
        var location = Path.Combine(Path.GetTempPath(), $"uploads-azurite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(location);

        // A free port can be taken by someone else before Azurite binds it; then try another.
        for (var attempt = 1; ; attempt++)
        {
            var azurite = new AzuriteProcess(script, location, GetFreeLoopbackPort());
            try
            {
                await azurite.LaunchAsync(cancellationToken);
                return azurite;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts && !cancellationToken.IsCancellationRequested)
            {
                await azurite.KillAsync(cancellationToken);
            }
            catch
            {
                await azurite.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// Stops Azurite as an operator would (SIGTERM, so it saves its data), waiting for it to exit; kills it if it has
    /// not exited within 15 seconds. Connections to it are refused from then on.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || SendSignal(process.Id, SigTerm) != 0)
        {
            await KillAsync(cancellationToken);
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_stopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync(cancellationToken);
        }
    }

    /// <summary>Starts Azurite again, after <see cref="StopAsync"/>, on the same port and folder: with the data it had.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Azurite is running; stop it before starting it again.");
        }

        await LaunchAsync(cancellationToken);
    }

    /// <summary>Kills the process this instance started, if it runs, and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync(CancellationToken.None);
        try
        {
            Directory.Delete(Location, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder left in the temp path must not hide the outcome of the tests.
        }
    }

    /// <summary>The output of Azurite formatted to end a failure message.</summary>
    public string DescribeOutput() =>
        $"{Environment.NewLine}--- last output of Azurite ({BlobEndpoint}) ---{Environment.NewLine}{RecentOutput}";

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Location,
        };

        // No --skipApiVersionCheck and no --loose: a request Azurite 3.37 would refuse, Azure may refuse too. The long
        // keep-alive is Azure's behaviour; Azurite's 5 s default races the client's pooled connections.
        foreach (var argument in new[]
        {
            _azuriteScript, "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", Location, "--silent", "--disableTelemetry", "--blobKeepAliveTimeout", "120",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException(
                "Could not start 'node' to run Azurite: install Node.js 20 or later and put it on the PATH.", ex);
        }

        _process?.Dispose();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilListeningAsync(process, cancellationToken);
    }

    private async Task WaitUntilListeningAsync(Process process, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < s_readyTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before it listened on port {Port}.{DescribeOutput()}");
            }

            using (var client = new TcpClient())
            {
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                    return;
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }

        await KillAsync(cancellationToken);
        throw new TimeoutException($"Azurite did not listen on port {Port} within {s_readyTimeout.TotalSeconds} s.{DescribeOutput()}");
    }

    private async Task KillAsync(CancellationToken cancellationToken)
    {
        if (_process is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(s_stopTimeout);
                await process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException) when (process.HasExited)
        {
            // It exited on its own meanwhile.
        }
        catch (OperationCanceledException)
        {
            // SIGKILL cannot be refused; nothing more to do than let the tests report.
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            if (_output.Count == MaxOutputLines)
            {
                _output.Dequeue();
            }

            _output.Enqueue(line);
        }
    }

    private static int GetFreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
