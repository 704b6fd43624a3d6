using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Uploads.Testing;

namespace Uploads.Client.Tests;

/// <summary>
/// The <c>uploads</c> tool run as a real process (<c>dotnet uploads.dll ...</c>), built by this project's reference in
/// the same configuration, with its resume records in a folder the test owns. Stdout and stderr are pipes, as for a
/// script. Whoever starts one owns it: it is killed by id if it outlives its test.
/// </summary>
internal sealed class CliProcess : IAsyncDisposable
{
    private const string CliAssemblyName = "uploads.dll";
    private const string TargetFramework = "net10.0";
    private const int SigInt = 2;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
    }

    public int ProcessId => _process.Id;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Runs the tool to the end and returns its exit code and output.</summary>
    public static async Task<CliResult> RunAsync(string stateDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        await using var cli = Start(stateDirectory, arguments);
        return await cli.WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// Starts the tool. With <paramref name="defaultSigInt"/>, SIGINT is reset to its default action first
    /// (<c>env --default-signal=INT</c>): a process started from a background job inherits SIGINT ignored, and .NET
    /// keeps it ignored, as a shell's <c>nohup</c> intends.
    /// </summary>
    public static CliProcess Start(string stateDirectory, IEnumerable<string> arguments, bool defaultSigInt = false)
    {
        var startInfo = new ProcessStartInfo(defaultSigInt ? "/usr/bin/env" : SiloBuild.FindDotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (defaultSigInt)
        {
            startInfo.ArgumentList.Add("--default-signal=INT");
            startInfo.ArgumentList.Add(SiloBuild.FindDotnetHost());
        }

        startInfo.ArgumentList.Add(FindCliAssembly());
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["UPLOADS_STATE_DIR"] = stateDirectory;
        startInfo.Environment.Remove("UPLOADS_SERVER");
        startInfo.Environment.Remove("UPLOADS_TOKEN");
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = new Process { StartInfo = startInfo };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Capture(cli._stdout, cli._stdoutClosed, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Capture(cli._stderr, cli._stderrClosed, e.Data);
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{startInfo.FileName}'.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Sends SIGINT, what Ctrl-C sends.</summary>
    public void Interrupt()
    {
        if (SendSignal(_process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"Could not send SIGINT to process {_process.Id}: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    public async Task<CliResult> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cancellationToken);
        lock (_stdout)
        {
            lock (_stderr)
            {
                return new CliResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
    }

    private void Capture(StringBuilder output, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string FindCliAssembly()
    {
        // The tests run from <project>/bin/{Configuration}/{TargetFramework}/; the tool was built (by the project
        // reference) in the same configuration, under src/Client/bin.
        var testOutput = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        if (testOutput.Parent is not { Parent.Name: "bin" } configurationFolder)
        {
            throw new InvalidOperationException($"The tests run from '{testOutput.FullName}', not from bin/{{Configuration}}/{{TargetFramework}}.");
        }

        for (var directory = testOutput; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Uploads.sln")))
            {
                var assembly = Path.Combine(directory.FullName, "src", "Client", "bin", configurationFolder.Name, TargetFramework, CliAssemblyName);
                return File.Exists(assembly)
                    ? assembly
                    : throw new FileNotFoundException($"The tool is not built at '{assembly}'. Build it in {configurationFolder.Name} (building this test project does so).", assembly);
            }
        }

        throw new InvalidOperationException($"No folder above '{testOutput.FullName}' holds Uploads.sln.");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
