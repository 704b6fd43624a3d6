using System.Net;
using System.Net.Sockets;

namespace Uploads.Testing;

/// <summary>
/// Hands out loopback ports for the listeners that tests start (silos' HTTP and Orleans ports, Azurite), each free
/// when asked for and never handed out twice in this process.
/// </summary>
/// <remarks>
/// A port a listener is told to bind is free only until someone else binds it. Asking the system for an ephemeral
/// port (binding port 0) invites exactly that: the system hands the same range to outgoing connections at any
/// moment. So ports come from below Linux's ephemeral range (32768–60999), walked in order from a random start per
/// process, so that parallel test processes seldom meet on one.
/// </remarks>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;

    // Process-wide on purpose: the point is that no two callers in this process ever get the same port.
    private static readonly Lock s_lock = new();
    private static readonly HashSet<int> s_handedOut = [];
    private static int s_next = Random.Shared.Next(Count);

    /// <summary>A loopback port nothing listens on now, not handed out before in this process.</summary>
    public static int Next()
    {
        lock (s_lock)
        {
            for (var tried = 0; tried < Count; tried++)
            {
                var port = First + (s_next++ % Count);
                if (!s_handedOut.Contains(port) && IsFree(port))
                {
                    s_handedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No loopback port between {First} and {First + Count - 1} is free.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
