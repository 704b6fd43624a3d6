using System.CommandLine;

namespace Uploads.Client.Cli.Commands;

/// <summary><c>uploads put FILE</c>: upload a file, resuming an interrupted upload of the same file.</summary>
internal static class PutCommand
{
    public static Command Create(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The file to upload" };
        var transfer = new TransferOptions();
        var command = new Command(
            "put",
            "Upload a file in parallel chunks with retries, and verify the result. An interrupted upload of the same, " +
            "unchanged file is resumed; a changed file starts over. Ctrl-C pauses (exit code 130).");
        command.Arguments.Add(file);
        transfer.AddTo(command);
        CommandRunner.SetAction(command, global, (context, cancellationToken) =>
            FileUpload.RunAsync(context, context.ParseResult.GetRequiredValue(file).FullName, transfer.Read(context.ParseResult), cancellationToken));
        return command;
    }
}
