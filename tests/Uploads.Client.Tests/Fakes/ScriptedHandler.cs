using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Uploads.Client.Tests.Fakes;

/// <summary>
/// Answers requests from a script, one step per request, for the tests of the client's retry rules alone (what it
/// does with a 503 or a broken connection); the behaviour against a real server is tested against a silo process.
/// </summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> _steps = new();
    private readonly ConcurrentQueue<(HttpRequestMessage Request, string? Body)> _received = new();

    public IReadOnlyList<(HttpRequestMessage Request, string? Body)> Received => _received.ToArray();

    public ScriptedHandler Then(Func<HttpRequestMessage, HttpResponseMessage> step)
    {
        _steps.Enqueue(step);
        return this;
    }

    public ScriptedHandler ThenStatus(HttpStatusCode status, string? code = null, RetryConditionHeaderValue? retryAfter = null) =>
        Then(request =>
        {
            var response = new HttpResponseMessage(status)
            {
                Content = new StringContent(
                    $$"""{"status":{{(int)status}},"title":"Scripted","detail":"Scripted {{(int)status}}.","code":{{(code is null ? "null" : $"\"{code}\"")}}}""",
                    Encoding.UTF8,
                    "application/problem+json"),
            };
            response.Headers.RetryAfter = retryAfter;
            return response;
        });

    public ScriptedHandler ThenUpload(string uploadId, HttpStatusCode status = HttpStatusCode.OK) =>
        Then(_ => new HttpResponseMessage(status)
        {
            Content = new StringContent(
                $$"""
                {"uploadId":"{{uploadId}}","state":"uploading","fileName":"a.bin","contentType":"application/octet-stream",
                 "size":10,"chunkSize":65536,"chunkCount":1,"metadata":{},"receivedChunks":[[0,0]],"receivedChunkCount":1,
                 "receivedBytes":10,"nextChunkIndex":null,"complete":false,"createdAt":"2026-11-22T08:00:00Z",
                 "updatedAt":"2026-11-22T08:00:00Z","expiresAt":"2026-11-23T08:00:00Z","result":null}
                """,
                Encoding.UTF8,
                "application/json"),
        });

    public ScriptedHandler ThenThrow(Exception exception) => Then(_ => throw exception);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        _received.Enqueue((request, body));
        if (!_steps.TryDequeue(out var step))
        {
            throw new InvalidOperationException($"The script has no step left for request {_received.Count}: {request.Method} {request.RequestUri}.");
        }

        var response = step(request);
        response.RequestMessage = request;
        return response;
    }
}
