using System.Net;

namespace Uploads.Client.Tests.Fakes;

/// <summary>Cuts the body of the first content download off after a number of bytes, as a dropped connection does.</summary>
internal sealed class BreakingDownloadHandler : DelegatingHandler
{
    private readonly long _breakAfter;
    private int _broken;

    public BreakingDownloadHandler(HttpMessageHandler innerHandler, long breakAfter)
        : base(innerHandler)
    {
        _breakAfter = breakAfter;
    }

    /// <summary>The <c>Range</c> headers of the content downloads, null for none.</summary>
    public List<string?> Ranges { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method != HttpMethod.Get || !request.RequestUri!.AbsolutePath.EndsWith("/content", StringComparison.Ordinal))
        {
            return response;
        }

        lock (Ranges)
        {
            Ranges.Add(request.Headers.Range?.ToString());
        }

        if (response.StatusCode != HttpStatusCode.OK || Interlocked.Exchange(ref _broken, 1) == 1)
        {
            return response;
        }

        var original = response.Content;
        var broken = new StreamContent(new BreakingStream(await original.ReadAsStreamAsync(cancellationToken), _breakAfter));
        foreach (var header in original.Headers)
        {
            broken.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = broken;
        return response;
    }

    private sealed class BreakingStream : Stream
    {
        private readonly Stream _inner;
        private long _left;

        public BreakingStream(Stream inner, long breakAfter)
        {
            _inner = inner;
            _left = breakAfter;
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

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = _inner.Read(buffer[..Allowance(buffer.Length)]);
            _left -= count;
            return count;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = await _inner.ReadAsync(buffer[..Allowance(buffer.Length)], cancellationToken);
            _left -= count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Allowance(int wanted)
        {
            if (_left <= 0)
            {
                throw new HttpIOException(HttpRequestError.ResponseEnded, "Injected: the connection broke mid-download.");
            }

            return (int)Math.Min(wanted, _left);
        }
    }
}
