namespace Uploads.Client.Cli.Output;

/// <summary>What a progress display shows of a transfer: how far, out of how much, and a line of figures.</summary>
/// <param name="Done">The bytes done (acknowledged or received).</param>
/// <param name="Total">The bytes in all.</param>
/// <param name="Figures">Chunks, speed, time left.</param>
internal readonly record struct TransferSnapshot(long Done, long Total, string Figures)
{
    public static TransferSnapshot Of(UploadProgress progress)
    {
        var retries = progress.Retries > 0 ? $" · {progress.Retries} retried" : "";
        var figures = progress.IsCompleting
            ? $"{progress.ChunksAcknowledged}/{progress.ChunkCount} chunks · completing and verifying{retries}"
            : $"{progress.ChunksAcknowledged}/{progress.ChunkCount} chunks · {ByteSize.Format(progress.BytesSent)} sent · " +
              $"{ByteSize.FormatRate(progress.BytesPerSecond)} · {ByteSize.FormatDuration(progress.EstimatedRemaining)} left{retries}";
        return new TransferSnapshot(progress.BytesAcknowledged, progress.TotalBytes, figures);
    }

    public static TransferSnapshot Of(DownloadProgress progress)
    {
        var retries = progress.Retries > 0 ? $" · {progress.Retries} retried" : "";
        return new TransferSnapshot(
            progress.BytesReceived,
            progress.TotalBytes,
            $"{ByteSize.Format(progress.BytesReceived)} of {ByteSize.Format(progress.TotalBytes)} · " +
            $"{ByteSize.FormatRate(progress.BytesPerSecond)} · {ByteSize.FormatDuration(progress.EstimatedRemaining)} left{retries}");
    }

    public int Percent => Total == 0 ? 100 : (int)(Done * 100 / Total);
}
