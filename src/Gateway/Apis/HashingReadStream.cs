using System.Security.Cryptography;

namespace Uploads.Gateway.Apis;

/// <summary>
/// A forward-only read stream that hashes what passes through it, so a chunk is hashed while it streams into
/// the block store and never has to be held whole in memory. SHA-256 always; MD5 only when asked for; and,
/// when given, a hash the caller owns and feeds from several streams in turn (a digest of a whole body cut into blocks).
/// </summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _md5;
    private readonly IncrementalHash? _shared;

    public HashingReadStream(Stream inner, bool md5 = false, IncrementalHash? shared = null)
    {
        _inner = inner;
        _shared = shared;
        // MD5 is only for checking the Content-MD5 a client sent, never for security.
#pragma warning disable CA5351
        _md5 = md5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
#pragma warning restore CA5351
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The SHA-256 of every byte read; call once, after the last read.</summary>
    public byte[] GetSha256() => _sha256.GetHashAndReset();

    /// <summary>The MD5 of every byte read, or <see langword="null"/> when it was not asked for.</summary>
    public byte[]? GetMd5() => _md5?.GetHashAndReset();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        Append(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Append(buffer[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
            _md5?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        _md5?.AppendData(data);
        _shared?.AppendData(data);
    }
}
