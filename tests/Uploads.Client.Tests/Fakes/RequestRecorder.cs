using System.Collections.Concurrent;
using System.Net;

namespace Uploads.Client.Tests.Fakes;

/// <summary>
/// Records every request the server answered (a request without an answer is not recorded), and lets a test act
/// when a chunk is acknowledged: the count of chunk PUTs the server received is read from here.
/// </summary>
internal sealed class RequestRecorder : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _acknowledgedChunks;

    public RequestRecorder(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <summary>Called with the number of chunks acknowledged so far, after each chunk PUT answered 200.</summary>
    public Action<int>? OnChunkAcknowledged { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public IReadOnlyList<RecordedRequest> ChunkPuts => Requests.Where(request => request.ChunkIndex is not null).ToArray();

    public IReadOnlyList<int> AcknowledgedChunks =>
        ChunkPuts.Where(request => request.Status == HttpStatusCode.OK).Select(request => request.ChunkIndex!.Value).ToArray();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!.AbsolutePath, response.StatusCode);
        _requests.Enqueue(recorded);
        if (recorded.ChunkIndex is not null && response.StatusCode == HttpStatusCode.OK)
        {
            OnChunkAcknowledged?.Invoke(Interlocked.Increment(ref _acknowledgedChunks));
        }

        return response;
    }
}
