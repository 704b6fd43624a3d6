using System.Security.Cryptography;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// The body of one Put Block as the SDK reads it: exactly <see cref="Length"/> bytes of the caller's stream, read
/// forward and never held whole. It guards what the SDK cannot know: the caller's stream may end early, run long, or
/// not match the MD5 declared for it, and it may not be readable twice.
/// </summary>
/// <remarks>
/// <para>
/// The read that would hand over the last bytes first checks that the stream ends there and matches the declared MD5,
/// so the service never receives a complete body unless it is exactly right. A failure of the caller's stream, a
/// replay that cannot be made, or no progress within the timeout is kept in <see cref="Failure"/> and cancels
/// the operation through the source given, so the SDK does not retry what no retry can mend.
/// </para>
/// <para>
/// The SDK wants a seekable body (it seeks to the start before every attempt). A caller's stream that can seek is
/// sent again from its start; one that cannot is "seekable" to its start only while nothing of it was read.
/// </para>
/// </remarks>
internal sealed class BlockContentStream : Stream
{

    private readonly Stream _source;
    private readonly long _sourceStart;
    private readonly byte[]? _declaredMd5;
    private readonly CancellationTokenSource _abort;
    private readonly TimeSpan _progressTimeout;
    private readonly ITimer _watchdog;
    private IncrementalHash? _md5;
    private long _position;

    /// <param name="source">The caller's stream.</param>
    /// <param name="length">How many bytes it must have, neither fewer nor more.</param>
    /// <param name="declaredMd5">The MD5 the caller declared for the bytes, or null.</param>
    /// <param name="abort">Cancelled when this body fails, to stop the SDK's call and its retries.</param>
    /// <param name="progressTimeout">
    /// How long the service may go, within an attempt, without taking more of the body, or without answering after its
    /// end; the time spent waiting for the caller's stream does not count. When it runs out the whole operation fails.
    /// </param>
    /// <param name="timeProvider">The clock of the timeout.</param>
    public BlockContentStream(Stream source, long length, byte[]? declaredMd5, CancellationTokenSource abort, TimeSpan progressTimeout, TimeProvider timeProvider)
    {
        _source = source;
        _sourceStart = source.CanSeek ? source.Position : 0;
        Length = length;
        _declaredMd5 = declaredMd5;
        _abort = abort;
        _progressTimeout = progressTimeout;
        _md5 = declaredMd5 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        _watchdog = timeProvider.CreateTimer(static state => ((BlockContentStream)state!).OnStalled(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Why the body failed, when it did: the caller's own exception (its stream failed, ended early or ran long), a
    /// <see cref="StorageException"/> (no progress, or a replay that cannot be made), or <see cref="DeclaredMd5Mismatch"/>.
    /// </summary>
    public Exception? Failure { get; private set; }

    /// <summary>Whether the bytes did not match the declared MD5, so the body was abandoned before its end.</summary>
    public bool DeclaredMd5Mismatch { get; private set; }

    public override long Length { get; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };

        if (target == _position)
        {
            return _position;
        }

        if (target != 0)
        {
            throw new NotSupportedException("A block's body is sent from its start only.");
        }

        if (!_source.CanSeek)
        {
            throw Fail(new StorageException(
                StorageErrorCode.Unavailable,
                "Staging the block failed after its bytes were read, and its stream cannot be read again; send the chunk again."));
        }

        // Another attempt of the SDK's: from the start, with the hash and the timeout started anew.
        _source.Position = _sourceStart;
        _position = 0;
        _md5?.Dispose();
        _md5 = _declaredMd5 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Failure is { } failure)
        {
            throw failure;
        }

        var remaining = Length - _position;
        if (remaining == 0 || buffer.Length == 0)
        {
            return 0;
        }

        // Filled whole (the caller's stream may hand over a few kilobytes at a time), so the socket gets fewer, larger
        // writes. The SDK's own copy buffer (80 KiB) is kept: one of 1 MiB of our own raised the silo's peak memory by
        // about 10 MiB with 8 chunks in flight, for no gain the ingest benchmark could tell from its noise.
        var wanted = buffer[..(int)Math.Min(buffer.Length, remaining)];
        var read = 0;
        while (read < wanted.Length)
        {
            var got = await ReadSourceAsync(wanted[read..], cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                throw Fail(new EndOfStreamException($"The content of the block ended after {_position + read} of its {Length} bytes; nothing was staged."));
            }

            read += got;
        }

        _md5?.AppendData(wanted.Span);
        if (_position + read == Length)
        {
            // Before the last bytes go out: the stream must end here, and match what was declared.
            if (await ReadSourceAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            {
                throw Fail(new ArgumentException($"The content of the block is longer than its declared {Length} bytes; nothing was staged.", "content"));
            }

            if (_md5 is not null && !CryptographicOperations.FixedTimeEquals(_md5.GetHashAndReset(), _declaredMd5))
            {
                DeclaredMd5Mismatch = true;
                throw Fail(new InvalidDataException("The block's content does not match the MD5 declared for it; the body was abandoned before its end."));
            }
        }

        _position += read;
        Restart();
        return read;
    }

    /// <summary>
    /// Stops the timeout once an attempt has its answer, or has failed: the SDK's wait before a retry is not the
    /// service's stall. The next read starts it again.
    /// </summary>
    public void OnAttemptEnded() => Change(Timeout.InfiniteTimeSpan);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _watchdog.Dispose();
            _md5?.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadSourceAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // The timeout is the service's: a slow caller is not a stalled service (the caller's stream has limits of its own).
        Change(Timeout.InfiniteTimeSpan);
        try
        {
            return await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A client that hung up mid-chunk, say: the caller's failure, to be reported as it is, never retried.
            throw Fail(ex);
        }
    }

    private void Restart() => Change(_progressTimeout);

    private void Change(TimeSpan dueTime)
    {
        try
        {
            _watchdog.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The operation is over; nothing is left to time out.
        }
    }

    private void OnStalled() => Fail(new StorageException(
        StorageErrorCode.Unavailable,
        $"The service took no more of the block, and gave no answer, within {_progressTimeout.TotalSeconds:0.###} s; send the chunk again."));

    private Exception Fail(Exception exception)
    {
        if (Failure is null)
        {
            Failure = exception;
            try
            {
                _abort.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The operation is over already.
            }
        }

        return Failure;
    }
}
