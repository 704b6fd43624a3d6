namespace Uploads.Client.Cli.Output;

/// <summary>An error as <c>--json</c> writes it to stderr: <c>{"error": {...}}</c>.</summary>
/// <param name="Status">The HTTP status, 0 when there was none.</param>
/// <param name="Code">The stable code (<c>not_found</c>, <c>network_error</c>, ...), if any.</param>
/// <param name="Message">What failed, for people.</param>
/// <param name="Detail">The server's problem detail, if any.</param>
/// <param name="ExitCode">The exit code the command ends with.</param>
internal sealed record CliError(int Status, string? Code, string Message, string? Detail, int ExitCode);
