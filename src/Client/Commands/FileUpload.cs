using Uploads.Client.Cli.Output;

namespace Uploads.Client.Cli.Commands;

/// <summary>
/// Uploads one file with progress, as <c>put</c> and <c>resume</c> do; on Ctrl-C, reports what is on the server and
/// how to resume.
/// </summary>
internal static class FileUpload
{
    public static async Task<int> RunAsync(CommandContext context, string path, UploadFileOptions options, CancellationToken cancellationToken)
    {
        var (client, output) = (context.Client, context.Output);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"There is no file {fullPath}.", fullPath);
        }

        var record = await client.ResumeStore.FindAsync(client.Endpoint, fullPath, cancellationToken);
        output.Note(record is null
            ? $"Uploading {fullPath} to {client.Endpoint}"
            : $"Resuming upload {record.UploadId} of {fullPath} to {client.Endpoint}");

        UploadProgress? last = null;
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            var upload = await ProgressView.RunAsync<UploadProgress, UploadResource>(
                output,
                Path.GetFileName(fullPath),
                progress =>
                {
                    last = progress;
                    return TransferSnapshot.Of(progress);
                },
                (progress, token) => client.UploadFileAsync(fullPath, options, progress, token),
                cancellationToken);

            var elapsed = TimeProvider.System.GetElapsedTime(started);
            if (output.Json)
            {
                output.WriteUpload(upload);
            }
            else
            {
                var resumed = last is { ResumedBytes: > 0 } ? $", {ByteSize.Format(last.ResumedBytes)} of it already on the server" : "";
                output.WriteLine(
                    $"Uploaded {upload.FileName} ({ByteSize.Format(upload.Size ?? 0)}{resumed}) in {elapsed.TotalSeconds:0.0} s as upload {upload.UploadId}; " +
                    $"chunksSha256 {upload.Result?.ChunksSha256} verified.");
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Acknowledged chunks stay on the server and the resume record stays: this is a pause, not an abort.
            var paused = await client.ResumeStore.FindAsync(client.Endpoint, fullPath, CancellationToken.None);
            var held = last is null ? "" : $" {last.ChunksAcknowledged} of {last.ChunkCount} chunks are on the server.";
            var server = client.Endpoint.AbsoluteUri.TrimEnd('/') == GlobalOptions.DefaultServer ? "" : $" --server {client.Endpoint.AbsoluteUri.TrimEnd('/')}";
            output.Note(paused is null
                ? "Paused before the upload was created; run the same command again to start it."
                : $"Paused upload {paused.UploadId}.{held} Resume with: uploads resume {Quote(fullPath)}{server}");
            return ExitCodes.Paused;
        }
    }

    private static string Quote(string path) =>
        path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '\\' or ':') ? path : $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
