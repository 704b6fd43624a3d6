using Microsoft.Win32.SafeHandles;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Reads a range of a committed blob by reading its block files one after another. Block files are opened
/// lazily, one at a time, so a long read holds one descriptor whatever the number of blocks.
/// </summary>
internal sealed class ConcatenatedBlockStream : Stream
{
    private readonly string _blobName;
    private readonly string _blockFolder;
    private readonly IReadOnlyList<BlockListEntry> _blocks;
    private int _blockIndex;
    private long _offsetInBlock;
    private long _remaining;
    private SafeFileHandle? _current;
    private bool _disposed;

    public ConcatenatedBlockStream(string blobName, string blockFolder, IReadOnlyList<BlockListEntry> blocks, long offset, long length)
    {
        _blobName = blobName;
        _blockFolder = blockFolder;
        _blocks = blocks;
        _remaining = length;
        _offsetInBlock = offset;
        while (_blockIndex < _blocks.Count && _offsetInBlock >= _blocks[_blockIndex].Length)
        {
            _offsetInBlock -= _blocks[_blockIndex].Length;
            _blockIndex++;
        }
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

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        if (!TryPrepareRead(buffer.Length, out var handle, out var count))
        {
            return 0;
        }

        int read;
        try
        {
            read = RandomAccess.Read(handle, buffer[..count], _offsetInBlock);
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("read blob", _blobName, ex);
        }

        return Advance(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!TryPrepareRead(buffer.Length, out var handle, out var count))
        {
            return 0;
        }

        int read;
        try
        {
            read = await RandomAccess.ReadAsync(handle, buffer[..count], _offsetInBlock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("read blob", _blobName, ex);
        }

        return Advance(read);
    }

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
            _current?.Dispose();
            _current = null;
            _disposed = true;
        }

        base.Dispose(disposing);
    }

    private bool TryPrepareRead(int bufferLength, out SafeFileHandle handle, out int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        handle = null!;
        count = 0;
        if (_remaining == 0 || bufferLength == 0)
        {
            return false;
        }

        handle = _current ??= OpenBlock(_blocks[_blockIndex].Id);
        count = (int)Math.Min(bufferLength, Math.Min(_remaining, _blocks[_blockIndex].Length - _offsetInBlock));
        return true;
    }

    private int Advance(int read)
    {
        if (read == 0)
        {
            // The blob file promised more bytes than the block file has: something other than this store changed it.
            throw new StorageException(
                StorageErrorCode.Unavailable,
                $"The block '{_blocks[_blockIndex].Id}' of blob '{_blobName}' is shorter than its recorded {_blocks[_blockIndex].Length} bytes.");
        }

        _offsetInBlock += read;
        _remaining -= read;
        if (_offsetInBlock == _blocks[_blockIndex].Length)
        {
            _current?.Dispose();
            _current = null;
            _blockIndex++;
            _offsetInBlock = 0;
        }

        return read;
    }

    private SafeFileHandle OpenBlock(string blockId)
    {
        var path = Path.Combine(_blockFolder, blockId);
        try
        {
            // FileShare.Delete lets a concurrent delete of the blob proceed on Windows as it does on Unix.
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StorageException(StorageErrorCode.NotFound, $"The blob '{_blobName}' was deleted while it was being read.", ex);
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("read blob", _blobName, ex);
        }
    }
}
