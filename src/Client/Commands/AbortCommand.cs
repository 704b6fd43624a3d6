using System.CommandLine;

namespace Uploads.Client.Cli.Commands;

/// <summary><c>uploads abort ID</c>: abort an upload and release its bytes.</summary>
internal static class AbortCommand
{
    public static Command Create(GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The upload's id" };
        var command = new Command("abort", "Abort an upload that is not completed: the server releases its bytes, and its resume record is forgotten.");
        command.Arguments.Add(id);
        CommandRunner.SetAction(command, global, async (context, cancellationToken) =>
        {
            var (client, output) = (context.Client, context.Output);
            var uploadId = context.ParseResult.GetRequiredValue(id);
            await client.AbortUploadAsync(uploadId, cancellationToken);
            foreach (var record in await client.ResumeStore.GetRecordsAsync(cancellationToken))
            {
                if (record.UploadId == uploadId && record.Server == client.Endpoint)
                {
                    await client.ResumeStore.DeleteAsync(record, cancellationToken);
                }
            }

            if (output.Json)
            {
                output.WriteUpload(await client.GetUploadAsync(uploadId, cancellationToken));
            }
            else
            {
                output.WriteLine($"Aborted upload {uploadId}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
