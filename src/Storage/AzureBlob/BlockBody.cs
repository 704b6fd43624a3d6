using System.Buffers;
using System.Security.Cryptography;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// The body of one Put Block: exactly <see cref="Length"/> bytes of the caller's stream, read forward and never held
/// whole. It keeps what a retry must know: whether the bytes can be sent again, and whether a failure was the
/// stream's (the caller's) rather than the service's.
/// </summary>
/// <remarks>
/// The last piece is held back until the stream has shown that it ends there and that it matches the MD5 the caller
/// declared, so the service never receives a complete body unless it is exactly right: a longer stream, or one whose
/// digest differs, stages nothing.
/// </remarks>
internal sealed class BlockBody
{
    // Large enough for few, large socket writes; small enough to rent one per concurrent block.
    private const int BufferSize = 1024 * 1024;

    private readonly Stream _content;
    private readonly byte[]? _declaredMd5;
    private readonly long _startPosition;
    private readonly bool _canSeek;
    private bool _started;

    public BlockBody(Stream content, long length, byte[]? declaredMd5)
    {
        _content = content;
        Length = length;
        _declaredMd5 = declaredMd5;
        _canSeek = content.CanSeek;
        _startPosition = _canSeek ? content.Position : 0;
    }

    public long Length { get; }

    /// <summary>Whether the body can be sent by another attempt: nothing was read yet, or the stream can seek back.</summary>
    public bool CanReplay => !_started || _canSeek;

    /// <summary>The failure of the caller's stream or of its content (short, long), which no retry can mend.</summary>
    public Exception? ContentFailure { get; private set; }

    /// <summary>Whether the content did not match the declared MD5, so the body was abandoned before its last byte.</summary>
    public bool DeclaredMd5Mismatch { get; private set; }

    /// <summary>Writes the body to <paramref name="target"/>, calling <paramref name="onProgress"/> after every write.</summary>
    public async Task WriteToAsync(Stream target, Action onProgress, CancellationToken cancellationToken)
    {
        if (_started)
        {
            if (!_canSeek)
            {
                // An IOException, so the attempt counts as a failed send; CanReplay then stops any further one.
                throw new IOException("The content of the block was already read and its stream cannot seek back; it cannot be sent again.");
            }

            _content.Position = _startPosition;
        }

        _started = true;
        using var md5 = _declaredMd5 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Length, BufferSize));
        try
        {
            var remaining = Length;
            while (remaining > 0)
            {
                var wanted = (int)Math.Min(buffer.Length, remaining);
                await FillAsync(buffer.AsMemory(0, wanted), Length - remaining, cancellationToken).ConfigureAwait(false);
                remaining -= wanted;
                md5?.AppendData(buffer, 0, wanted);
                if (remaining == 0)
                {
                    await EnsureEndedAsync(cancellationToken).ConfigureAwait(false);
                    if (md5 is not null && !CryptographicOperations.FixedTimeEquals(md5.GetHashAndReset(), _declaredMd5))
                    {
                        DeclaredMd5Mismatch = true;
                        throw new InvalidDataException("The block's content does not match the MD5 declared for it; the body was abandoned before its end.");
                    }
                }

                await target.WriteAsync(buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
                onProgress();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task FillAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await ReadContentAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw Fail(new EndOfStreamException($"The content of the block ended after {offset + filled} of its {Length} bytes; nothing was staged."));
            }

            filled += read;
        }
    }

    private async Task EnsureEndedAsync(CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        if (await ReadContentAsync(probe, cancellationToken).ConfigureAwait(false) != 0)
        {
            throw Fail(new ArgumentException($"The content of the block is longer than its declared {Length} bytes; nothing was staged.", "content"));
        }
    }

    private async ValueTask<int> ReadContentAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A client that hung up mid-chunk, say: the caller's failure, to be reported as it is, never retried.
            throw Fail(ex);
        }
    }

    private Exception Fail(Exception exception)
    {
        ContentFailure ??= exception;
        return exception;
    }
}
