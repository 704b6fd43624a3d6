using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>
/// A scripted stand-in for the Blob service on a loopback port, for what Azurite cannot be made to do on cue: answer
/// 503, drop a connection, or never answer. Each request is recorded, then answered as the script says.
/// </summary>
public sealed class LoopbackBlobServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RecordedRequest, int, ServerAction> _script;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _connectionsLock = new();
    private readonly Task _accepting;
    private int _count;

    /// <param name="script">Given each request and its number (from 1, containers' creation left out), says how to answer.</param>
    public LoopbackBlobServer(Func<RecordedRequest, int, ServerAction> script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync(_stopping.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string ConnectionString =>
        $"BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;AccountName=devstoreaccount1;AccountKey={Uploads.Testing.AzuriteProcess.AccountKey}";

    /// <summary>The requests received, containers' creation left out, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Task[] connections;
        lock (_connectionsLock)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll([_accepting, .. connections]).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connectionsLock)
            {
                _connections.Add(ServeAsync(client, cancellationToken));
            }
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new List<byte>();
            try
            {
                while (await ReadRequestAsync(stream, buffer, cancellationToken) is { } request)
                {
                    // Containers are created once per client before anything else; they always exist here.
                    if (request.Target.EndsWith("?restype=container", StringComparison.Ordinal) && request.Method == "PUT")
                    {
                        await WriteAsync(stream, ServerAction.Respond(201), cancellationToken);
                        continue;
                    }

                    _requests.Enqueue(request);
                    var action = _script(request, Interlocked.Increment(ref _count));
                    if (action.Kind == ServerAction.ActionKind.Drop)
                    {
                        client.Client.LingerState = new LingerOption(true, 0);
                        return;
                    }

                    if (action.Kind == ServerAction.ActionKind.Stall)
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }

                    await WriteAsync(stream, action, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away, or the server stops.
            }
        }
    }

    private static async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream, List<byte> buffer, CancellationToken cancellationToken)
    {
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
        {
            if (!await FillAsync(stream, buffer, cancellationToken))
            {
                return null;
            }
        }

        var lines = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray()).Split("\r\n");
        buffer.RemoveRange(0, headEnd + 4);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        while (buffer.Count < length)
        {
            if (!await FillAsync(stream, buffer, cancellationToken))
            {
                return null;
            }
        }

        var body = buffer.GetRange(0, length).ToArray();
        buffer.RemoveRange(0, length);
        return new RecordedRequest(requestLine[0], requestLine[1], headers, body);
    }

    private static async Task<bool> FillAsync(NetworkStream stream, List<byte> buffer, CancellationToken cancellationToken)
    {
        var chunk = new byte[64 * 1024];
        var read = await stream.ReadAsync(chunk, cancellationToken);
        buffer.AddRange(chunk.AsSpan(0, read));
        return read > 0;
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 3; i < buffer.Count; i++)
        {
            if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n')
            {
                return i - 3;
            }
        }

        return -1;
    }

    private static async Task WriteAsync(NetworkStream stream, ServerAction action, CancellationToken cancellationToken)
    {
        var head = new StringBuilder($"HTTP/1.1 {action.Status} Scripted\r\n");
        var headers = new Dictionary<string, string>(action.Headers, StringComparer.OrdinalIgnoreCase);
        headers.TryAdd("Content-Length", action.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        await stream.WriteAsync(action.Body, cancellationToken);
    }
}
