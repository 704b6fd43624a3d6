using System.Net;

namespace Uploads.Storage.AzureBlob;

/// <summary>The HTTP content of one attempt to send a <see cref="BlockBody"/>; its length is always known.</summary>
internal sealed class BlockUploadContent : HttpContent
{
    private readonly BlockBody _body;
    private readonly Action _onProgress;

    public BlockUploadContent(BlockBody body, Action onProgress)
    {
        _body = body;
        _onProgress = onProgress;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        _body.WriteToAsync(stream, _onProgress, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _body.WriteToAsync(stream, _onProgress, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
