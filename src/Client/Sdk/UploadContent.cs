using System.Net.Http.Headers;

namespace Uploads.Client;

/// <summary>
/// The content of a completed upload as a stream straight from the server (<c>GET /v1/uploads/{id}/content</c>).
/// Dispose it to release the connection. Reads are not retried: <see cref="UploadsClient.DownloadToAsync"/> is the
/// call that survives a broken connection and verifies what it received.
/// </summary>
public sealed class UploadContent : IDisposable, IAsyncDisposable
{
    private readonly HttpResponseMessage _response;

    internal UploadContent(HttpResponseMessage response, Stream content)
    {
        _response = response;
        Content = content;
        var headers = response.Content.Headers;
        ContentLength = headers.ContentLength;
        ContentType = headers.ContentType?.ToString();
        FileName = headers.ContentDisposition?.FileNameStar ?? headers.ContentDisposition?.FileName?.Trim('"');
        ETag = response.Headers.ETag?.Tag.Trim('"');
        Offset = headers.ContentRange is { From: { } from } ? from : 0;
        TotalLength = headers.ContentRange?.Length ?? ContentLength;
    }

    /// <summary>The bytes, from <see cref="Offset"/> on.</summary>
    public Stream Content { get; }

    /// <summary>How many bytes <see cref="Content"/> holds, if the server said.</summary>
    public long? ContentLength { get; }

    /// <summary>The size of the whole content, if the server said.</summary>
    public long? TotalLength { get; }

    /// <summary>Where in the content <see cref="Content"/> starts: 0, or the offset asked for.</summary>
    public long Offset { get; }

    /// <summary>The media type recorded at creation.</summary>
    public string? ContentType { get; }

    /// <summary>The file name recorded at creation (<c>Content-Disposition</c>).</summary>
    public string? FileName { get; }

    /// <summary>The entity tag of the content, without quotes.</summary>
    public string? ETag { get; }

    /// <summary>The answer's headers, for anything not surfaced above.</summary>
    public HttpResponseHeaders Headers => _response.Headers;

    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
