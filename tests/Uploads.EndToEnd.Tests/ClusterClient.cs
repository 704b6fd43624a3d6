using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// A client behind a plain load balancer: every attempt goes to a silo picked at random, and a refused connection, a
/// broken one or a 503 with <c>Retry-After</c> is retried (on another random silo) with a short, bounded backoff.
/// Every answer that is neither expected nor retryable is recorded in <see cref="Unexpected"/>.
/// </summary>
internal sealed class ClusterClient
{
    private const int MaxAttempts = 60;

    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly string[] s_retryableCodes = ["silo_unavailable", "storage_unavailable"];

    private readonly IReadOnlyList<SiloProcess> _silos;
    private int _retries;

    public ClusterClient(IReadOnlyList<SiloProcess> silos)
    {
        _silos = silos;
    }

    /// <summary>Answers that were neither expected nor retryable (a 500, a 503 without Retry-After, …).</summary>
    public ConcurrentQueue<string> Unexpected { get; } = new();

    /// <summary>How many attempts were retried.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>
    /// Sends the request <paramref name="createRequest"/> makes until a silo answers <paramref name="expected"/>; returns
    /// that answer. Fails the test when an answer is neither expected nor retryable, or the attempts run out.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> createRequest,
        HttpStatusCode expected,
        CancellationToken cancellationToken) =>
        (await SendToAnyAsync(createRequest, expected, cancellationToken)).Response;

    /// <summary>As <see cref="SendAsync"/>, and says which silo gave the answer.</summary>
    public async Task<(HttpResponseMessage Response, SiloProcess Silo)> SendToAnyAsync(
        Func<HttpRequestMessage> createRequest,
        HttpStatusCode expected,
        CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var silo = _silos[Random.Shared.Next(_silos.Count)];
            using var request = createRequest();
            var description = $"{request.Method} {request.RequestUri} on {silo.BaseAddress}";
            HttpResponseMessage response;
            try
            {
                response = await silo.Client.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                // Refused (a killed or stopped silo) or broken mid-request: a load balancer sends it elsewhere.
                failures.Add($"{description}: {exception.HttpRequestError}");
                await BackOffAsync(attempt, cancellationToken);
                continue;
            }

            if (response.StatusCode == expected)
            {
                return (response, silo);
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && IsRetryable(response, body))
                {
                    failures.Add($"{description}: 503 {body}");
                    await BackOffAsync(attempt, cancellationToken);
                    continue;
                }

                var unexpected = $"{description} answered {(int)response.StatusCode} {body}";
                Unexpected.Enqueue(unexpected);
                Assert.Fail(unexpected);
            }
        }

        throw new TimeoutException($"No silo answered {(int)expected} within {MaxAttempts} attempts: {string.Join("; ", failures.TakeLast(5))}");
    }

    private static bool IsRetryable(HttpResponseMessage response, string body)
    {
        if (response.Headers.RetryAfter is null)
        {
            return false;
        }

        try
        {
            var problem = JsonSerializer.Deserialize<ProblemResponse>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            return problem?.Code is { } code && s_retryableCodes.Contains(code);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private Task BackOffAsync(int attempt, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        var delay = TimeSpan.FromMilliseconds(50 * attempt);
        return Task.Delay(delay < s_maxBackoff ? delay : s_maxBackoff, cancellationToken);
    }
}
