namespace Uploads.Client.Transfers;

/// <summary>
/// The recent rate of a transfer: bytes moved over the last few seconds, so that the estimate follows a network
/// that speeds up or slows down instead of averaging over the whole call. Not thread-safe; callers lock.
/// </summary>
internal sealed class TransferRate
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_sampleInterval = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _timeProvider;
    private readonly Queue<(long Timestamp, long Bytes)> _samples = new();
    private readonly long _started;
    private long _lastSample;
    private long _bytes;

    public TransferRate(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _started = timeProvider.GetTimestamp();
        _lastSample = _started;
        _samples.Enqueue((_started, 0));
    }

    public TimeSpan Elapsed => _timeProvider.GetElapsedTime(_started);

    /// <summary>Counts <paramref name="bytes"/> more moved now.</summary>
    public void Add(long bytes)
    {
        _bytes += bytes;
        var now = _timeProvider.GetTimestamp();
        if (_timeProvider.GetElapsedTime(_lastSample, now) >= s_sampleInterval)
        {
            _lastSample = now;
            _samples.Enqueue((now, _bytes));
            while (_samples.Count > 2 && _timeProvider.GetElapsedTime(_samples.Peek().Timestamp, now) > s_window)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>Bytes per second over the window, or 0 until enough time has passed to tell.</summary>
    public double BytesPerSecond
    {
        get
        {
            var (timestamp, bytes) = _samples.Peek();
            var span = _timeProvider.GetElapsedTime(timestamp);
            return span < s_sampleInterval ? 0 : (_bytes - bytes) / span.TotalSeconds;
        }
    }

    /// <summary>The time <paramref name="remainingBytes"/> take at the current rate, or null while the rate is unknown.</summary>
    public TimeSpan? EstimateRemaining(long remainingBytes)
    {
        var rate = BytesPerSecond;
        return rate > 0 ? TimeSpan.FromSeconds(Math.Min(remainingBytes / rate, TimeSpan.MaxValue.TotalSeconds / 2)) : null;
    }
}
