namespace Uploads.Storage.AzureBlob;

/// <summary>
/// The body of a Get Blob answer, read forward: each read may wait at most the request timeout, and a failure of the
/// connection or a body that ends early surfaces as <see cref="StorageException"/>. Disposing it releases the answer.
/// </summary>
internal sealed class BlobDownloadStream : Stream
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _inner;
    private readonly string _blobName;
    private readonly TimeSpan _readTimeout;
    private readonly TimeProvider _timeProvider;
    private long _remaining;
    private bool _disposed;

    public BlobDownloadStream(HttpResponseMessage response, Stream inner, string blobName, long length, TimeSpan readTimeout, TimeProvider timeProvider)
    {
        _response = response;
        _inner = inner;
        _blobName = blobName;
        _remaining = length;
        _readTimeout = readTimeout;
        _timeProvider = timeProvider;
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_remaining == 0 || buffer.Length == 0)
        {
            return 0;
        }

        int read;
        try
        {
            read = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Broken(ex);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_remaining == 0 || buffer.Length == 0)
        {
            return 0;
        }

        using var timeout = new CancellationTokenSource(_readTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        int read;
        try
        {
            read = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StorageException(
                StorageErrorCode.Unavailable,
                $"Reading blob '{_blobName}' stalled: no bytes for {_readTimeout.TotalSeconds:0.#} s.",
                ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Broken(ex);
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
        if (disposing && !_disposed)
        {
            _disposed = true;
            _inner.Dispose();
            _response.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Advance(int read)
    {
        if (read == 0)
        {
            throw new StorageException(StorageErrorCode.Unavailable, $"The answer for blob '{_blobName}' ended {_remaining} bytes early.");
        }

        _remaining -= read;
        return read;
    }

    private StorageException Broken(Exception exception) =>
        new(StorageErrorCode.Unavailable, $"The connection broke while reading blob '{_blobName}': {exception.Message}", exception);
}
