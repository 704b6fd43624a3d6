using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Uploads.Testing;

/// <summary>
/// Azurite's blob service (<c>azurite-blob</c> from the repository's npm install) on a free loopback port, with its
/// data in a temporary folder; or, from <see cref="StartWithTablesAsync"/>, one <c>azurite</c> process that serves
/// tables too (for Orleans' membership table), each service on a free loopback port of its own. It can be stopped and started again on the same port and folder, to stand for an
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
    private readonly int? _queuePort;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;

    private AzuriteProcess(string azuriteScript, string location, int port, (int Table, int Queue)? tablePorts)
    {
        _azuriteScript = azuriteScript;
        Location = location;
        Port = port;
        TablePort = tablePorts?.Table;
        _queuePort = tablePorts?.Queue;
    }

    /// <summary>The loopback port Azurite's blob service listens on; the same after <see cref="RestartAsync"/>.</summary>
    public int Port { get; }

    /// <summary>The loopback port of the table service, or null when only blobs are served.</summary>
    public int? TablePort { get; }

    /// <summary>The folder that holds Azurite's data.</summary>
    public string Location { get; }

    /// <summary>The blob endpoint, path-style: <c>http://127.0.0.1:{port}/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    /// <summary>The table endpoint, path-style, or null when only blobs are served.</summary>
    public Uri? TableEndpoint => TablePort is { } tablePort ? new($"http://127.0.0.1:{tablePort}/{AccountName}") : null;

    /// <summary>A connection string for this instance, as Azurite's documentation writes it: with a <c>TableEndpoint=</c> when tables are served.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};" +
        (TableEndpoint is { } tableEndpoint ? $"TableEndpoint={tableEndpoint};" : "");

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
    public static Task<AzuriteProcess> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(withTables: false, cancellationToken);

    /// <summary>
    /// Starts one Azurite process serving blobs and tables (and queues, which nothing uses), each on a free loopback
    /// port, with a new temporary folder; <see cref="ConnectionString"/> then names both endpoints.
    /// </summary>
    public static Task<AzuriteProcess> StartWithTablesAsync(CancellationToken cancellationToken = default) =>
        StartAsync(withTables: true, cancellationToken);

    private static async Task<AzuriteProcess> StartAsync(bool withTables, CancellationToken cancellationToken)
    {
        var script = await NodePackages.EnsureInstalledAsync(
            withTables ? Path.Combine("azurite", "dist", "src", "azurite.js") : Path.Combine("azurite", "dist", "src", "blob", "main.js"),
            cancellationToken);
        var location = Path.Combine(Path.GetTempPath(), $"uploads-azurite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(location);

        // A free port can be taken by someone else before Azurite binds it; then try another.
        for (var attempt = 1; ; attempt++)
        {
            var azurite = new AzuriteProcess(
                script,
                location,
                GetFreeLoopbackPort(),
                withTables ? (GetFreeLoopbackPort(), GetFreeLoopbackPort()) : null);
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
        string[] arguments =
        [
            _azuriteScript, "--blobHost", "127.0.0.1", "--blobPort", Format(Port),
            "--location", Location, "--silent", "--disableTelemetry", "--blobKeepAliveTimeout", "120",
            .. TablePort is { } tablePort && _queuePort is { } queuePort
                ? new[]
                {
                    "--tableHost", "127.0.0.1", "--tablePort", Format(tablePort), "--tableKeepAliveTimeout", "120",
                    "--queueHost", "127.0.0.1", "--queuePort", Format(queuePort),
                }
                : [],
        ];
        foreach (var argument in arguments)
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
        int[] ports = TablePort is { } tablePort && _queuePort is { } queuePort ? [Port, tablePort, queuePort] : [Port];
        var listening = 0;
        while (Stopwatch.GetElapsedTime(started) < s_readyTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Azurite exited with code {process.ExitCode} before it listened on port {string.Join(", ", ports)}.{DescribeOutput()}");
            }

            while (listening < ports.Length && await AcceptsConnectionsAsync(ports[listening], cancellationToken))
            {
                listening++;
            }

            if (listening == ports.Length)
            {
                return;
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }

        await KillAsync(cancellationToken);
        throw new TimeoutException(
            $"Azurite did not listen on port {string.Join(", ", ports)} within {s_readyTimeout.TotalSeconds} s.{DescribeOutput()}");
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            // Not listening yet.
            return false;
        }
    }

    private static string Format(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

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

    private static int GetFreeLoopbackPort() => LoopbackPorts.Next();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
