using System.CommandLine;

namespace Uploads.Client.Cli.Commands;

/// <summary><c>uploads resume [FILE]</c>: continue an interrupted upload, or every one recorded for the server.</summary>
internal static class ResumeCommand
{
    public static Command Create(GlobalOptions global)
    {
        var file = new Argument<FileInfo?>("FILE")
        {
            Description = "The file whose interrupted upload to continue; without it, every interrupted upload to the server, oldest first",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var transfer = new TransferOptions();
        var command = new Command(
            "resume",
            "Continue interrupted uploads: ask the server what it holds and send only what is missing. " +
            "With --json, one JSON document per upload, one per line.");
        command.Arguments.Add(file);
        transfer.AddTo(command);
        CommandRunner.SetAction(command, global, (context, cancellationToken) =>
            RunAsync(context, context.ParseResult.GetValue(file), transfer.Read(context.ParseResult), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, FileInfo? file, UploadFileOptions options, CancellationToken cancellationToken)
    {
        var (client, output) = (context.Client, context.Output);
        var store = client.ResumeStore;
        if (file is not null)
        {
            if (await store.FindAsync(client.Endpoint, file.FullName, cancellationToken) is null)
            {
                return CommandRunner.UsageError(output, $"No interrupted upload of {file.FullName} to {client.Endpoint} is recorded (in {store.Directory}). Start one with: uploads put FILE");
            }

            return await FileUpload.RunAsync(context, file.FullName, options, cancellationToken);
        }

        var records = (await store.GetRecordsAsync(cancellationToken)).Where(record => record.Server == client.Endpoint).ToArray();
        if (records.Length == 0)
        {
            output.Note($"Nothing to resume for {client.Endpoint} (records are kept in {store.Directory}).");
            return ExitCodes.Success;
        }

        foreach (var record in records)
        {
            if (!File.Exists(record.FilePath))
            {
                // The file is gone, so the upload can never finish: forget it; the server expires it.
                output.Note($"{record.FilePath} no longer exists: forgetting upload {record.UploadId}.");
                await store.DeleteAsync(record, cancellationToken);
                continue;
            }

            var exitCode = await FileUpload.RunAsync(context, record.FilePath, options, cancellationToken);
            if (exitCode != ExitCodes.Success)
            {
                return exitCode;
            }
        }

        return ExitCodes.Success;
    }
}
