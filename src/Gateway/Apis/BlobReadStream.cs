using Uploads.Storage;

namespace Uploads.Gateway.Apis;

/// <summary>
/// A read-only, seekable view of a committed blob that opens a store read only when it is first read, at the
/// position it was seeked to. That lets ASP.NET Core's range processing (<c>Range</c>, <c>If-None-Match</c>,
/// 206, 304, 416) serve any store without downloading what it skips.
/// </summary>
internal sealed class BlobReadStream : Stream
{
    private readonly IBlockStore _blocks;
    private readonly string _blobName;
    private readonly long _length;
    private Stream? _current;
    private long _position;

    public BlobReadStream(IBlockStore blocks, string blobName, long length)
    {
        _blocks = blocks;
        _blobName = blobName;
        _length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= _length || buffer.Length == 0)
        {
            return 0;
        }

        _current ??= await _blocks.OpenReadAsync(_blobName, _position, _length - _position, cancellationToken);
        var read = await _current.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Blob streams are read asynchronously.");

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            _current?.Dispose();
            _current = null;
            _position = target;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
        }

        base.Dispose(disposing);
    }
}
