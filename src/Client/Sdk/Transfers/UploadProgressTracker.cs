namespace Uploads.Client.Transfers;

/// <summary>
/// Counts what one <see cref="UploadsClient.UploadFileAsync"/> call has sent and had acknowledged, and reports it:
/// at once when a chunk is acknowledged, and at most every 100 ms while bytes move. Thread-safe: every worker reports.
/// </summary>
internal sealed class UploadProgressTracker
{
    private static readonly TimeSpan s_reportInterval = TimeSpan.FromMilliseconds(100);

    private readonly IProgress<UploadProgress>? _progress;
    private readonly TimeProvider _timeProvider;
    private readonly TransferRate _rate;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, long> _inFlight = [];
    private string _uploadId = "";
    private long _totalBytes;
    private int _chunkCount;
    private long _resumedBytes;
    private long _acknowledgedBytes;
    private int _acknowledgedChunks;
    private int _retries;
    private long _lastReport;

    public UploadProgressTracker(IProgress<UploadProgress>? progress, TimeProvider timeProvider)
    {
        _progress = progress;
        _timeProvider = timeProvider;
        _rate = new TransferRate(timeProvider);
        _lastReport = timeProvider.GetTimestamp();
    }

    public int Retries
    {
        get
        {
            lock (_lock)
            {
                return _retries;
            }
        }
    }

    /// <summary>Starts counting <paramref name="upload"/>, of which the server already holds <paramref name="held"/>.</summary>
    public void Start(UploadResource upload, bool[] held)
    {
        lock (_lock)
        {
            _uploadId = upload.UploadId;
            _totalBytes = upload.Size ?? 0;
            _chunkCount = upload.ChunkCount;
            _resumedBytes = 0;
            _acknowledgedChunks = 0;
            for (var index = 0; index < held.Length; index++)
            {
                if (held[index])
                {
                    _resumedBytes += upload.GetChunkLength(index);
                    _acknowledgedChunks++;
                }
            }

            _acknowledgedBytes = _resumedBytes;
        }

        Report(force: true);
    }

    /// <summary>Chunk <paramref name="index"/> has written <paramref name="attemptBytes"/> in its current attempt, the last <paramref name="delta"/> just now.</summary>
    public void Written(int index, long attemptBytes, long delta)
    {
        lock (_lock)
        {
            _inFlight[index] = attemptBytes;
            _rate.Add(delta);
        }

        Report(force: false);
    }

    /// <summary>A request failed and will be retried; a chunk's bytes in flight no longer count.</summary>
    public void Retrying(int? index)
    {
        lock (_lock)
        {
            _retries++;
            if (index is { } chunk)
            {
                _inFlight.Remove(chunk);
            }
        }
    }

    /// <summary>The server acknowledged chunk <paramref name="index"/> of <paramref name="length"/> bytes.</summary>
    public void Acknowledged(int index, long length)
    {
        lock (_lock)
        {
            _inFlight.Remove(index);
            _acknowledgedBytes += length;
            _acknowledgedChunks++;
        }

        Report(force: true);
    }

    /// <summary>The server turned out not to hold chunk <paramref name="index"/> after all; it will be sent again.</summary>
    public void Lost(int index, long length)
    {
        lock (_lock)
        {
            _acknowledgedBytes -= length;
            _acknowledgedChunks--;
            _resumedBytes = Math.Min(_resumedBytes, _acknowledgedBytes);
        }
    }

    /// <summary>Chunk <paramref name="index"/> is abandoned (the call failed or was cancelled).</summary>
    public void Abandoned(int index)
    {
        lock (_lock)
        {
            _inFlight.Remove(index);
        }
    }

    public void Report(bool force)
    {
        if (_progress is null)
        {
            return;
        }

        UploadProgress snapshot;
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            if (!force && _timeProvider.GetElapsedTime(_lastReport, now) < s_reportInterval)
            {
                return;
            }

            _lastReport = now;
            var inFlightBytes = 0L;
            foreach (var bytes in _inFlight.Values)
            {
                inFlightBytes += bytes;
            }

            snapshot = new UploadProgress
            {
                UploadId = _uploadId,
                TotalBytes = _totalBytes,
                BytesAcknowledged = _acknowledgedBytes,
                BytesSent = _acknowledgedBytes + inFlightBytes,
                ResumedBytes = _resumedBytes,
                ChunkCount = _chunkCount,
                ChunksAcknowledged = _acknowledgedChunks,
                ChunksInFlight = _inFlight.Count,
                Retries = _retries,
                BytesPerSecond = _rate.BytesPerSecond,
                Elapsed = _rate.Elapsed,
                EstimatedRemaining = _acknowledgedBytes == _totalBytes ? TimeSpan.Zero : _rate.EstimateRemaining(_totalBytes - _acknowledgedBytes - inFlightBytes),
            };
        }

        _progress.Report(snapshot);
    }
}
