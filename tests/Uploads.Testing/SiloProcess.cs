using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Uploads.Testing;

/// <summary>
/// A real silo process, <c>dotnet Uploads.Silo.dll</c>, on a free loopback port with its file-system store under a
/// folder the test owns. Whoever starts one owns it: <see cref="DisposeAsync"/> always ends the process it started.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 200;
    private const int SigTerm = 15;

    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_readyProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_readyPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();

    private SiloProcess(Process process, Uri baseAddress, int siloPort)
    {
        _process = process;
        BaseAddress = baseAddress;
        SiloPort = siloPort;
        Client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    /// <summary>The silo's address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Orleans' silo-to-silo port on loopback (<c>Orleans:Endpoints:SiloPort</c>).</summary>
    public int SiloPort { get; }

    /// <summary>A client whose <see cref="HttpClient.BaseAddress"/> is the silo.</summary>
    public HttpClient Client { get; }

    /// <summary>The id of the process this instance started.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The exit code once the process has exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines (at most 200) the silo wrote to stdout and stderr, for failure messages.</summary>
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
    /// Starts the silo built in the test assembly's own configuration, storing under <paramref name="dataRoot"/>, and
    /// returns once <c>GET /healthz/ready</c> answers 200. Throws, with the silo's output, if it exits first or is
    /// not ready within 60 seconds; the process is ended in that case.
    /// </summary>
    /// <param name="dataRoot">The FileSystem store's data folder.</param>
    /// <param name="settings">Further configuration, as environment variables (<c>Uploads__Limits__MaxChunkSize</c>, say).</param>
    /// <param name="cancellationToken">Cancels the wait for readiness; the process is ended then.</param>
    public static async Task<SiloProcess> StartAsync(string dataRoot, IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var siloAssembly = SiloBuild.FindSiloAssembly();
        var port = GetFreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");

        var startInfo = new ProcessStartInfo(SiloBuild.FindDotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root is the working directory: the silo's appsettings.json sits next to its assembly.
            WorkingDirectory = Path.GetDirectoryName(siloAssembly)!,
        };
        startInfo.ArgumentList.Add(siloAssembly);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add($"http://127.0.0.1:{port}");
        startInfo.Environment["Uploads__Storage__Provider"] = "FileSystem";
        startInfo.Environment["Uploads__Storage__FileSystem__Root"] = dataRoot;

        // Orleans' own ports: free ones on loopback, so silos of parallel tests never meet; settings may name others.
        startInfo.Environment["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1";
        startInfo.Environment["Orleans__Endpoints__SiloPort"] = GetFreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["Orleans__Endpoints__GatewayPort"] = GetFreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, baseAddress, int.Parse(startInfo.Environment["Orleans__Endpoints__SiloPort"]!, CultureInfo.InvariantCulture));
        process.OutputDataReceived += (_, e) => silo.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Capture(e.Data);
        process.Exited += (_, _) => silo._exited.TrySetResult();
        if (!process.Start())
        {
            silo.Client.Dispose();
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{startInfo.FileName} {siloAssembly}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var ready = false;
        try
        {
            await silo.WaitUntilReadyAsync(cancellationToken);
            ready = true;
            return silo;
        }
        finally
        {
            if (!ready)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>Kills the silo with SIGKILL (no chance to flush or shut down) and waits for it to exit.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        KillProcess();
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the silo gracefully (SIGTERM; on Windows, which has none, a kill) and waits for it to exit. If it has not
    /// exited within 30 seconds it is killed and a <see cref="TimeoutException"/> is thrown.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            await KillAsync(cancellationToken);
            return;
        }

        if (SendSignal(_process.Id, SigTerm) != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"Could not send SIGTERM to silo process {_process.Id}: errno {Marshal.GetLastPInvokeError()}.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_exitTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync(cancellationToken);
            throw new TimeoutException($"The silo did not stop within {s_exitTimeout.TotalSeconds} s of SIGTERM and was killed.{DescribeOutput()}");
        }
    }

    /// <summary>Ends the process this instance started, if it still runs, and releases the client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            KillProcess();
            using var timeout = new CancellationTokenSource(s_exitTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // SIGKILL cannot be refused; there is nothing more to do here than to let the test report its result.
            }
        }

        Client.Dispose();
        _process.Dispose();
    }

    /// <summary>The silo's recent output, formatted to end a failure message.</summary>
    public string DescribeOutput() =>
        $"{Environment.NewLine}--- last output of silo process {_process.Id} ({BaseAddress}) ---{Environment.NewLine}{RecentOutput}";

    private void KillProcess()
    {
        try
        {
            // On Unix this is SIGKILL, sent to this process id (and any children it started).
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) when (_process.HasExited)
        {
            // It exited on its own in the meantime.
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastProbe = "no probe has been answered";
        while (Stopwatch.GetElapsedTime(started) < s_readyTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_exited.Task.IsCompleted)
            {
                // Also waits until its output is read to the end, so the message shows why it stopped.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException(
                    $"The silo exited with code {_process.ExitCode} before it was ready ({lastProbe}).{DescribeOutput()}");
            }

            using (var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                probe.CancelAfter(s_readyProbeTimeout);
                try
                {
                    using var response = await Client.GetAsync("/healthz/ready", probe.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }

                    lastProbe = $"GET /healthz/ready last answered {(int)response.StatusCode}";
                }
                catch (HttpRequestException exception)
                {
                    lastProbe = $"GET /healthz/ready last failed: {exception.Message}";
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastProbe = $"GET /healthz/ready last took over {s_readyProbeTimeout.TotalSeconds} s";
                }
            }

            // Wake up early when the process exits, so a crash on start is reported at once.
            await Task.WhenAny(_exited.Task, Task.Delay(s_readyPollInterval, cancellationToken));
        }

        throw new TimeoutException($"The silo was not ready within {s_readyTimeout.TotalSeconds} s ({lastProbe}).{DescribeOutput()}");
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

    /// <summary>
    /// The environment of one silo of a cluster on one machine, as README writes it: the AzureBlob store and Orleans'
    /// Azure Table clustering on one connection string (with <c>BlobEndpoint=</c> and <c>TableEndpoint=</c>, say an
    /// Azurite's), loopback advertised. <see cref="StartAsync"/> adds free silo and gateway ports.
    /// </summary>
    public static Dictionary<string, string> ClusterSettings(string connectionString, string clusterId) => new()
    {
        ["Uploads__Storage__Provider"] = "AzureBlob",
        ["Uploads__Storage__AzureBlob__ConnectionString"] = connectionString,
        ["Orleans__ClusterId"] = clusterId,
        ["Orleans__ServiceId"] = "uploads",
        ["Orleans__Clustering__ProviderType"] = "AzureTableStorage",
        ["Orleans__Clustering__ConnectionString"] = connectionString,
        ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
    };

    /// <summary>A loopback port for a further listener beside a silo (see <see cref="LoopbackPorts"/>).</summary>
    public static int GetFreeLoopbackPort() => LoopbackPorts.Next();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
