using System.CommandLine;
using Uploads.Client.Cli.Output;

namespace Uploads.Client.Cli.Commands;

/// <summary><c>uploads get ID [-o FILE]</c>: download a completed upload and verify it.</summary>
internal static class GetCommand
{
    private const string StandardOutput = "-";

    public static Command Create(GlobalOptions global)
    {
        var id = new Argument<string>("ID") { Description = "The upload's id" };
        var outputPath = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the content: a file, a folder (the upload's file name in it), or - for stdout (default: the upload's file name here)",
        };
        var command = new Command(
            "get",
            "Download a completed upload, continuing after broken connections, and verify it against its chunksSha256. " +
            "The content goes to FILE.part first and replaces FILE only once verified.");
        command.Arguments.Add(id);
        command.Options.Add(outputPath);
        CommandRunner.SetAction(command, global, (context, cancellationToken) =>
            RunAsync(context, context.ParseResult.GetRequiredValue(id), context.ParseResult.GetValue(outputPath), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string uploadId, string? destination, CancellationToken cancellationToken)
    {
        var (client, output) = (context.Client, context.Output);
        var upload = await client.GetUploadAsync(uploadId, cancellationToken);

        if (destination == StandardOutput)
        {
            await using var stdout = Console.OpenStandardOutput();
            await ProgressView.RunAsync<DownloadProgress, UploadResource>(
                output, upload.FileName, TransferSnapshot.Of, (progress, token) => client.DownloadToAsync(uploadId, stdout, progress, token), cancellationToken);
            output.Note($"Wrote {ByteSize.Format(upload.Size ?? 0)} of upload {uploadId} to stdout; chunksSha256 verified.");
            return ExitCodes.Success;
        }

        // The server's file name is only a suggestion: never let it name a path outside the folder.
        var fileName = Path.GetFileName(upload.FileName) is { Length: > 0 } name ? name : uploadId;
        var path = Path.GetFullPath(destination switch
        {
            null => fileName,
            _ when Directory.Exists(destination) => Path.Combine(destination, fileName),
            _ => destination,
        });

        var downloaded = await ProgressView.RunAsync<DownloadProgress, UploadResource>(
            output, upload.FileName, TransferSnapshot.Of, (progress, token) => client.DownloadToFileAsync(uploadId, path, progress, token), cancellationToken);
        if (output.Json)
        {
            output.WriteJson(new DownloadedFile(path, downloaded), CliJsonContext.Default.DownloadedFile);
        }
        else
        {
            output.WriteLine($"Downloaded upload {uploadId} to {path} ({ByteSize.Format(downloaded.Size ?? 0)}); chunksSha256 {downloaded.Result?.ChunksSha256} verified.");
        }

        return ExitCodes.Success;
    }
}
