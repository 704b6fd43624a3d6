using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace Uploads.Gateway.Problems;

/// <summary>
/// The output of one HTTP/1 connection, which gives the bare answers Kestrel writes to requests it refuses before any
/// handler runs (a NUL in the path, a target or headers over its limits, a request line that does not parse) a
/// problem body with a catalogue code, like every other error. What Kestrel writes while the application serves no
/// request of the connection is held until it is flushed; a response head of an error status with
/// <c>Content-Length: 0</c> is then replaced by the same status with a problem body. Everything else passes unchanged.
/// Kestrel closes the connection after such an answer, so nothing follows it.
/// </summary>
internal sealed class RejectionProblemPipeWriter : PipeWriter
{
    private static readonly byte[] s_headEnd = "\r\n\r\n"u8.ToArray();

    private readonly PipeWriter _inner;
    private readonly ConnectionRequests _requests;
    private ArrayBufferWriter<byte>? _held;
    private bool _notHttp1;

    public RejectionProblemPipeWriter(PipeWriter inner, ConnectionRequests requests)
    {
        _inner = inner;
        _requests = requests;
    }

    public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

    public override void Advance(int bytes)
    {
        if (_held is not null)
        {
            _held.Advance(bytes);
        }
        else
        {
            _inner.Advance(bytes);
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Hold() ? _held!.GetMemory(sizeHint) : _inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Hold() ? _held!.GetSpan(sizeHint) : _inner.GetSpan(sizeHint);

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Release();
        return _inner.FlushAsync(cancellationToken);
    }

    public override void Complete(Exception? exception = null)
    {
        Release();
        _inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Release();
        return _inner.CompleteAsync(exception);
    }

    private bool Hold()
    {
        if (_held is null && !_notHttp1 && !_requests.Serving)
        {
            _held = new ArrayBufferWriter<byte>();
        }

        return _held is not null;
    }

    private void Release()
    {
        if (_held is not { } held)
        {
            return;
        }

        _held = null;
        var written = held.WrittenSpan;
        if (!written.StartsWith("HTTP/1."u8))
        {
            // HTTP/2 (its preface answered with frames) or TLS seen from outside: nothing of it is ever held again.
            _notHttp1 = true;
        }

        if (BareErrorHead(written) is { } head)
        {
            WriteProblemResponse(head);
        }
        else
        {
            _inner.Write(written);
        }
    }

    /// <summary>The lines of <paramref name="written"/> when it is a whole response head of an error status and nothing else.</summary>
    private static string[]? BareErrorHead(ReadOnlySpan<byte> written)
    {
        if (!written.StartsWith("HTTP/1."u8) || written.IndexOf(s_headEnd) != written.Length - s_headEnd.Length)
        {
            return null;
        }

        var lines = Encoding.Latin1.GetString(written[..^s_headEnd.Length]).Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        var bodyless = lines.Skip(1).Any(line => line.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase));
        return statusLine.Length >= 2 && int.TryParse(statusLine[1], out var status) && status >= 400 && bodyless ? lines : null;
    }

    private void WriteProblemResponse(string[] head)
    {
        var status = int.Parse(head[0].Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var error = UploadErrors.ForStatus(status) ?? UploadErrors.ValidationError;
        var body = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("title", error.Title);
            json.WriteNumber("status", status);
            json.WriteString("detail", Detail(status));
            json.WriteString("code", error.Code);
            json.WriteEndObject();
        }

        var response = new StringBuilder();
        response.Append(head[0]).Append("\r\n");
        foreach (var line in head.Skip(1).Where(line => !line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
        {
            response.Append(line).Append("\r\n");
        }

        response.Append("Content-Type: application/problem+json\r\n");
        response.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {body.WrittenCount}\r\n\r\n");
        _inner.Write(Encoding.Latin1.GetBytes(response.ToString()));
        _inner.Write(body.WrittenSpan);
    }

    private static string Detail(int status) => status switch
    {
        408 => "The request headers did not arrive in time; the connection is closed.",
        413 => "The request body is larger than the server accepts; the connection is closed.",
        414 => "The request target (path and query) is longer than the server accepts; the connection is closed.",
        431 => "The request headers are larger than the server accepts, or too many; the connection is closed.",
        505 => "The HTTP version is not supported: use HTTP/1.1 or HTTP/2; the connection is closed.",
        _ => "The server refused the request as it arrived: its request line or a header breaks HTTP (a NUL or control character in the target, say); the connection is closed.",
    };
}
