using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Uploads.Client.Tests.Fakes;

/// <summary>
/// A flaky network in front of the real silo: a share of requests is dropped before it is sent, answered 503 by a
/// "proxy" without reaching the silo, or sent and then has its answer lost. The same request (method and path) never
/// fails more than <see cref="MaxConsecutiveFaults"/> times in a row, so a client that retries always gets through.
/// </summary>
internal sealed class FaultInjector : DelegatingHandler
{
    public const int MaxConsecutiveFaults = 2;

    private readonly double _share;
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, int> _consecutive = new();
    private int _dropped;
    private int _unavailable;
    private int _lostAnswers;

    public FaultInjector(HttpMessageHandler innerHandler, double share, int seed)
        : base(innerHandler)
    {
        _share = share;
        _random = new Random(seed);
    }

    public int Dropped => _dropped;

    public int Unavailable => _unavailable;

    public int LostAnswers => _lostAnswers;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = $"{request.Method} {request.RequestUri!.AbsolutePath}";
        int fault;
        lock (_lock)
        {
            fault = _random.NextDouble() < _share ? _random.Next(3) : -1;
        }

        if (fault >= 0 && _consecutive.AddOrUpdate(key, 1, (_, count) => count + 1) > MaxConsecutiveFaults)
        {
            fault = -1;
        }

        if (fault < 0)
        {
            _consecutive[key] = 0;
            return await base.SendAsync(request, cancellationToken);
        }

        switch (fault)
        {
            case 0:
                Interlocked.Increment(ref _dropped);
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Injected: connection refused.");
            case 1:
                Interlocked.Increment(ref _unavailable);
                var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                {
                    RequestMessage = request,
                    Content = new StringContent(
                        """{"status":503,"title":"Unavailable","detail":"Injected.","code":"storage_unavailable"}""",
                        Encoding.UTF8,
                        "application/problem+json"),
                };
                unavailable.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
                return unavailable;
            default:
                // The server did the work; only its answer is lost on the way back.
                using (await base.SendAsync(request, cancellationToken))
                {
                    Interlocked.Increment(ref _lostAnswers);
                    throw new HttpRequestException(HttpRequestError.ResponseEnded, "Injected: the connection broke before the answer arrived.");
                }
        }
    }
}
