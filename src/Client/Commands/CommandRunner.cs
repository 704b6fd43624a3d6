using System.CommandLine;
using Uploads.Client.Cli.Output;

namespace Uploads.Client.Cli.Commands;

/// <summary>
/// Runs a command's action with a client, and turns what it throws into a message and a documented exit code, so
/// no user ever sees a stack trace for a refused request or a missing file.
/// </summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, GlobalOptions global, Func<CommandContext, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = new CliOutput(parseResult.GetValue(global.Json));
            try
            {
                using var client = global.CreateClient(parseResult);
                return await action(new CommandContext(parseResult, client, output), cancellationToken);
            }
            catch (UploadsException exception)
            {
                var exitCode = ExitCodeOf(exception);
                output.WriteError(exception, exitCode);
                return exitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                output.WriteError(new CliError(0, "cancelled", "Cancelled.", null, ExitCodes.Paused));
                return ExitCodes.Paused;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A local file that is missing, unreadable or unwritable: the user's to fix, like a bad argument.
                output.WriteError(new CliError(0, "local_error", exception.Message, null, ExitCodes.UsageError));
                return ExitCodes.UsageError;
            }
        });

    public static int ExitCodeOf(UploadsException exception) => exception switch
    {
        { ErrorCode: UploadsErrorCodes.VerificationFailed or UploadsErrorCodes.FileChanged } => ExitCodes.VerificationFailed,
        { IsTransient: true } or { ErrorCode: UploadsErrorCodes.InvalidResponse } => ExitCodes.Unavailable,
        _ => ExitCodes.Refused,
    };

    /// <summary>A usage error found after parsing (nothing to resume, say): message and exit code 1.</summary>
    public static int UsageError(CliOutput output, string message)
    {
        output.WriteError(new CliError(0, "usage_error", message, null, ExitCodes.UsageError));
        return ExitCodes.UsageError;
    }
}
