using System.Net.Sockets;
using System.Text;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Sends bytes no HTTP client library would send (a malformed chunked body, a NUL in the path, oversized heads) over a
/// plain TCP connection to a silo on loopback, and reads the one response until the server closes the connection.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    /// <summary>Sends <paramref name="request"/> as it is to <paramref name="server"/> and parses the one response that comes back.</summary>
    public static async Task<RawHttpResponse> SendAsync(Uri server, byte[] request, CancellationToken cancellationToken = default) =>
        Parse(await SendForBytesAsync(server, request, cancellationToken));

    /// <summary>Sends <paramref name="request"/> and returns everything the server wrote until it closed, one character per byte.</summary>
    public static async Task<string> SendForTextAsync(Uri server, byte[] request, CancellationToken cancellationToken = default) =>
        Encoding.Latin1.GetString(await SendForBytesAsync(server, request, cancellationToken));

    /// <summary>A request of <paramref name="head"/> lines (CR LF added), an empty line, and then <paramref name="body"/>.</summary>
    public static string Text(string body, params string[] head) => string.Concat(head.Select(line => line + "\r\n")) + "\r\n" + body;

    /// <summary>The bytes of <paramref name="text"/>, one per character.</summary>
    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static async Task<byte[]> SendForBytesAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, deadline.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(request, deadline.Token);
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, deadline.Token);
        }
        catch (IOException)
        {
            // The server may reset a connection it refused once it has answered: what arrived is the answer.
        }

        return received.ToArray();
    }

    private static RawHttpResponse Parse(byte[] bytes)
    {
        // Latin-1 keeps one character per byte, so chunk sizes count characters; the body is decoded as UTF-8 at the end.
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"No response head in {bytes.Length} bytes: '{text}'");
        var lines = text[..end].Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding == "chunked")
        {
            body = Unchunk(body);
        }

        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new RawHttpResponse(status, headers, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)));
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..lineEnd], 16);
            if (size == 0)
            {
                break;
            }

            body.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }

        return body.ToString();
    }
}
