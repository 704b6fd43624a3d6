namespace Uploads.Gateway.Problems;

/// <summary>
/// How many requests of one connection the application is serving: while none is, whatever Kestrel writes on the
/// connection is its own answer to a request it refused before the application saw it.
/// </summary>
internal sealed class ConnectionRequests
{
    private int _inFlight;

    /// <summary>Whether the application is serving a request of the connection now.</summary>
    public bool Serving => Volatile.Read(ref _inFlight) > 0;

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Ended() => Interlocked.Decrement(ref _inFlight);
}
