using System.Diagnostics;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests.Readme;

/// <summary>Runs a script with bash, as a reader pastes it into a terminal.</summary>
internal static class ShellScript
{
    /// <summary>
    /// Runs <paramref name="script"/> with <c>bash -c</c> in <paramref name="workingDirectory"/>; killed with what it
    /// started (that still belongs to its process tree) after <paramref name="timeout"/>.
    /// </summary>
    public static Task<ProcessResult> RunAsync(string workingDirectory, string script, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        return BoundedProcess.RunAsync(startInfo, timeout, cancellationToken);
    }
}
