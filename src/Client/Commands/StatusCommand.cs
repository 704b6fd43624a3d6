using System.CommandLine;

namespace Uploads.Client.Cli.Commands;

/// <summary><c>uploads status ID</c>: what the server holds of an upload.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The upload's id" };
        var command = new Command("status", "Show an upload: its state, the chunks the server holds, and its result once completed.");
        command.Arguments.Add(id);
        CommandRunner.SetAction(command, global, async (context, cancellationToken) =>
        {
            context.Output.WriteUpload(await context.Client.GetUploadAsync(context.ParseResult.GetRequiredValue(id), cancellationToken));
            return ExitCodes.Success;
        });
        return command;
    }
}
