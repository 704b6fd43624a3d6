namespace Uploads.Testing;

/// <summary>What a finished child process left: its exit code and what it wrote.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Output">All it wrote to stdout.</param>
/// <param name="Error">All it wrote to stderr.</param>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    /// <summary>Everything the process wrote, for a failure message.</summary>
    public string Describe() =>
        $"exit code {ExitCode}{Environment.NewLine}--- stdout ---{Environment.NewLine}{Output}{Environment.NewLine}--- stderr ---{Environment.NewLine}{Error}";
}
