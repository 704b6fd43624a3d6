namespace Uploads.Client.Transfers;

/// <summary>Counts what a download has received and reports it at most every 100 ms, and when it ends.</summary>
internal sealed class DownloadProgressTracker
{
    private static readonly TimeSpan s_reportInterval = TimeSpan.FromMilliseconds(100);

    private readonly IProgress<DownloadProgress>? _progress;
    private readonly TimeProvider _timeProvider;
    private readonly TransferRate _rate;
    private readonly string _uploadId;
    private readonly long _totalBytes;
    private long _received;
    private int _retries;
    private long _lastReport;

    public DownloadProgressTracker(string uploadId, long totalBytes, IProgress<DownloadProgress>? progress, TimeProvider timeProvider)
    {
        _uploadId = uploadId;
        _totalBytes = totalBytes;
        _progress = progress;
        _timeProvider = timeProvider;
        _rate = new TransferRate(timeProvider);
        _lastReport = timeProvider.GetTimestamp();
    }

    public long Received => _received;

    public void Add(long bytes)
    {
        _received += bytes;
        _rate.Add(bytes);
        Report(force: false);
    }

    public void Retrying() => _retries++;

    public void Report(bool force)
    {
        var now = _timeProvider.GetTimestamp();
        if (_progress is null || (!force && _timeProvider.GetElapsedTime(_lastReport, now) < s_reportInterval))
        {
            return;
        }

        _lastReport = now;
        _progress.Report(new DownloadProgress
        {
            UploadId = _uploadId,
            TotalBytes = _totalBytes,
            BytesReceived = _received,
            Retries = _retries,
            BytesPerSecond = _rate.BytesPerSecond,
            Elapsed = _rate.Elapsed,
            EstimatedRemaining = _received == _totalBytes ? TimeSpan.Zero : _rate.EstimateRemaining(_totalBytes - _received),
        });
    }
}
