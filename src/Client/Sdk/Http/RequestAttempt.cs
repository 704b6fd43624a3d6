namespace Uploads.Client.Http;

/// <summary>
/// One attempt of a request: its cancellation token, which fires when the caller cancels or when the attempt has
/// made no progress for the network timeout. Whoever moves bytes calls <see cref="KeepAlive"/>, so a large body
/// that keeps moving is never cut off by a timeout meant for a silent peer.
/// </summary>
internal sealed class RequestAttempt : IDisposable
{
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _networkTimeout;

    public RequestAttempt(TimeSpan networkTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _networkTimeout = networkTimeout;
        _idle = new CancellationTokenSource(networkTimeout, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the attempt was abandoned for want of progress.</summary>
    public bool TimedOut => _idle.IsCancellationRequested;

    /// <summary>Restarts the network timeout: bytes moved.</summary>
    public void KeepAlive()
    {
        if (_networkTimeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        try
        {
            _idle.CancelAfter(_networkTimeout);
        }
        catch (ObjectDisposedException)
        {
            // A body write that outlived its attempt (the server answered before reading it all) needs no timeout.
        }
    }

    public void Dispose()
    {
        _linked.Dispose();
        _idle.Dispose();
    }
}
