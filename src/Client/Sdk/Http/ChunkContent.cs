using System.Net;

namespace Uploads.Client.Http;

/// <summary>
/// The body of a chunk upload: bytes already in memory, written in slices so that progress can be reported and the
/// attempt's network timeout restarted as they leave.
/// </summary>
internal sealed class ChunkContent : HttpContent
{
    private const int SliceBytes = 256 * 1024;

    private readonly ReadOnlyMemory<byte> _chunk;
    private readonly RequestAttempt _attempt;
    private readonly Action<long, long>? _onWritten;

    /// <param name="chunk">The bytes.</param>
    /// <param name="attempt">The attempt the body belongs to.</param>
    /// <param name="onWritten">Called after each slice with the bytes written so far by this body and the slice's length.</param>
    public ChunkContent(ReadOnlyMemory<byte> chunk, RequestAttempt attempt, Action<long, long>? onWritten)
    {
        _chunk = chunk;
        _attempt = attempt;
        _onWritten = onWritten;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var written = 0;
        while (written < _chunk.Length)
        {
            var slice = _chunk.Slice(written, Math.Min(SliceBytes, _chunk.Length - written));
            await stream.WriteAsync(slice, cancellationToken).ConfigureAwait(false);
            written += slice.Length;
            _attempt.KeepAlive();
            _onWritten?.Invoke(written, slice.Length);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _chunk.Length;
        return true;
    }
}
