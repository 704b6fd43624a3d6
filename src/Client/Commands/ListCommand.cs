using System.CommandLine;

namespace Uploads.Client.Cli.Commands;

/// <summary><c>uploads ls</c>: the caller's uploads.</summary>
internal static class ListCommand
{
    public static Command Create(GlobalOptions global)
    {
        var state = new Option<string?>("--state") { Description = "Only uploads in this state" };
        state.AcceptOnlyFromAmong("created", "uploading", "completing", "completed", "aborted", "expired");
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many uploads (default: all)" };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });

        var command = new Command("ls", "List your uploads, oldest first.");
        command.Options.Add(state);
        command.Options.Add(limit);
        CommandRunner.SetAction(command, global, async (context, cancellationToken) =>
        {
            var filter = context.ParseResult.GetValue(state) is { } name ? new UploadState(name) : (UploadState?)null;
            var most = context.ParseResult.GetValue(limit) ?? int.MaxValue;
            var uploads = new List<UploadResource>();
            await foreach (var upload in context.Client.GetUploadsAsync(filter, cancellationToken))
            {
                if (uploads.Count == most)
                {
                    break;
                }

                uploads.Add(upload);
            }

            context.Output.WriteUploads(uploads);
            return ExitCodes.Success;
        });
        return command;
    }
}
