using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace Uploads.Client.Transfers;

/// <summary>
/// One <see cref="UploadsClient.DownloadToAsync"/> call: stream a completed upload's content into a destination,
/// continue with a <c>Range</c> request where a broken attempt stopped, and check the bytes against the upload's
/// <c>chunksSha256</c> as they pass.
/// </summary>
internal sealed class ContentDownloader
{
    private const int BufferBytes = 256 * 1024;

    private readonly UploadsClient _client;
    private readonly string _uploadId;
    private readonly IProgress<DownloadProgress>? _progress;

    public ContentDownloader(UploadsClient client, string uploadId, IProgress<DownloadProgress>? progress)
    {
        _client = client;
        _uploadId = uploadId;
        _progress = progress;
    }

    public async Task<UploadResource> DownloadToAsync(Stream destination, CancellationToken cancellationToken)
    {
        var upload = await _client.GetUploadAsync(_uploadId, cancellationToken).ConfigureAwait(false);
        if (upload.State != UploadState.Completed || upload.Result is not { } result)
        {
            throw new UploadsException(409, UploadsErrorCodes.InvalidState, $"Upload {_uploadId} is {upload.State}; only a completed upload can be downloaded.");
        }

        var tracker = new DownloadProgressTracker(_uploadId, result.Size, _progress, _client.TimeProvider);
        using var digests = new StreamingChunkDigests(Math.Max(upload.ChunkSize, 1));
        var expectedTag = $"\"{result.ETag}\"";
        await _client.Sender.SendAsync(
            attempt =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, _client.ContentUri(_uploadId));
                if (tracker.Received > 0)
                {
                    // Continue where the last attempt stopped; a completed upload's content never changes (same ETag).
                    request.Headers.Range = new RangeHeaderValue(tracker.Received, null);
                }

                return request;
            },
            async (response, attempt) =>
            {
                CheckAnswer(response, tracker.Received, result, expectedTag);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
                try
                {
                    await using var body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
                    int count;
                    while ((count = await body.ReadAsync(buffer.AsMemory(0, BufferBytes), attempt.Token).ConfigureAwait(false)) > 0)
                    {
                        attempt.KeepAlive();
                        if (tracker.Received + count > result.Size)
                        {
                            throw new UploadsException(0, UploadsErrorCodes.InvalidResponse, $"The content of upload {_uploadId} is longer than its {result.Size} bytes.");
                        }

                        digests.Append(buffer.AsSpan(0, count));
                        await destination.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                        tracker.Add(count);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (tracker.Received < result.Size)
                {
                    // A body that ends early is a broken connection: the retry asks for the rest.
                    throw new HttpIOException(HttpRequestError.ResponseEnded, $"The content ended after {tracker.Received} of {result.Size} bytes.");
                }

                return true;
            },
            disposeResponse: true,
            tracker.Retrying,
            cancellationToken).ConfigureAwait(false);

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        tracker.Report(force: true);
        var actual = digests.ComputeChunksSha256();
        if (actual != result.ChunksSha256)
        {
            throw new UploadsException(
                0,
                UploadsErrorCodes.VerificationFailed,
                $"The content received for upload {_uploadId} has chunksSha256 {actual}, not the server's {result.ChunksSha256}: it was damaged on the way.");
        }

        return upload;
    }

    private void CheckAnswer(HttpResponseMessage response, long offset, UploadResult result, string expectedTag)
    {
        var expectedStatus = offset > 0 ? HttpStatusCode.PartialContent : HttpStatusCode.OK;
        if (response.StatusCode != expectedStatus ||
            (offset > 0 && response.Content.Headers.ContentRange?.From != offset) ||
            (response.Headers.ETag is { } tag && tag.Tag != expectedTag))
        {
            throw new UploadsException(
                (int)response.StatusCode,
                UploadsErrorCodes.InvalidResponse,
                $"GET content of upload {_uploadId} from byte {offset} answered {(int)response.StatusCode} " +
                $"(Content-Range {response.Content.Headers.ContentRange}, ETag {response.Headers.ETag}), not the content of result {result.ETag}.");
        }
    }
}
