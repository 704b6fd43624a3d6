using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Uploads.Client.Tests.Fakes;

/// <summary>
/// A middlebox that rewrites one chunk on its way to the server, and its <c>Content-Digest</c> to match, so the
/// server accepts and stores bytes the client never sent.
/// </summary>
internal sealed class CorruptingHandler : DelegatingHandler
{
    private readonly int _chunkIndex;

    public CorruptingHandler(HttpMessageHandler innerHandler, int chunkIndex)
        : base(innerHandler)
    {
        _chunkIndex = chunkIndex;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.EndsWith($"/chunks/{_chunkIndex}", StringComparison.Ordinal))
        {
            var bytes = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            bytes[0] ^= 0xFF;
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.Add("Content-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:");
            request.Content = content;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
