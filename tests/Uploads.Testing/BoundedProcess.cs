using System.Diagnostics;

namespace Uploads.Testing;

/// <summary>Runs a child process to its end within a time limit, and ends it (by its id, with its children) when it overruns.</summary>
public static class BoundedProcess
{
    /// <summary>
    /// Starts <paramref name="startInfo"/> with its stdin closed and its stdout and stderr captured, and returns once it
    /// has exited. After <paramref name="timeout"/> (or on cancellation) the process tree is killed and a
    /// <see cref="TimeoutException"/> (or <see cref="OperationCanceledException"/>) carries what it had written.
    /// A process that cannot be started throws what <see cref="Process.Start()"/> throws.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        using var process = new Process { StartInfo = startInfo };
        process.Start();
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return new ProcessResult(process.ExitCode, await output, await error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var written = new ProcessResult(-1, await output, await error).Describe();
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{startInfo.FileName}' did not finish within {timeout.TotalSeconds} s and was killed.{Environment.NewLine}{written}");
        }
    }
}
