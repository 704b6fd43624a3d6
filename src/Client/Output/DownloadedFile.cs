namespace Uploads.Client.Cli.Output;

/// <summary>What <c>get --json</c> writes: where the content went, and the upload it came from.</summary>
/// <param name="Path">The file written, or <c>-</c> for stdout.</param>
/// <param name="Upload">The upload.</param>
internal sealed record DownloadedFile(string Path, UploadResource Upload);
