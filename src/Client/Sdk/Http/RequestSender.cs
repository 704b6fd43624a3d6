using System.Net;
using System.Net.Http.Headers;

namespace Uploads.Client.Http;

/// <summary>
/// Sends one API request with the client's retry policy: each attempt builds a fresh request (a request message
/// cannot be sent twice), success answers go to a reader that runs inside the attempt (so a body cut off half-way is
/// retried like any other network failure), and error answers become <see cref="UploadsException"/>.
/// </summary>
internal sealed class RequestSender
{
    private readonly HttpClient _httpClient;
    private readonly RetryPolicy _retry;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly TimeProvider _timeProvider;

    public RequestSender(HttpClient httpClient, RetryPolicy retry, string? bearerToken, TimeProvider timeProvider)
    {
        _httpClient = httpClient;
        _retry = retry;
        _authorization = bearerToken is { Length: > 0 } ? new AuthenticationHeaderValue("Bearer", bearerToken) : null;
        _timeProvider = timeProvider;
    }

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>
    /// Sends the request <paramref name="createRequest"/> makes until it succeeds, fails for good or the retries run
    /// out, and returns what <paramref name="readResponse"/> makes of the successful answer.
    /// </summary>
    /// <param name="createRequest">Makes the request of an attempt.</param>
    /// <param name="readResponse">Reads a successful (2xx or 304) answer; a transient failure in it retries the request.</param>
    /// <param name="disposeResponse">False when the result of <paramref name="readResponse"/> owns the answer (a content stream).</param>
    /// <param name="onRetry">Called before each retry's wait.</param>
    /// <param name="cancellationToken">Cancels the call; the attempt under way is abandoned.</param>
    public async Task<T> SendAsync<T>(
        Func<RequestAttempt, HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, RequestAttempt, Task<T>> readResponse,
        bool disposeResponse,
        Action? onRetry,
        CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var describe = "The request";
        for (var retry = 0; ; retry++)
        {
            UploadsException failure;
            TimeSpan? retryAfter = null;
            using (var attempt = new RequestAttempt(_retry.NetworkTimeout, _timeProvider, cancellationToken))
            {
                try
                {
                    using var request = createRequest(attempt);
                    request.Headers.Authorization = _authorization;
                    describe = $"{request.Method} {request.RequestUri?.AbsolutePath}";
                    var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
                    var keepResponse = false;
                    try
                    {
                        attempt.KeepAlive();
                        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified)
                        {
                            var result = await readResponse(response, attempt).ConfigureAwait(false);
                            keepResponse = !disposeResponse;
                            return result;
                        }

                        retryAfter = ProblemReader.GetRetryAfter(response, _timeProvider);
                        failure = await ProblemReader.ReadAsync(response, retryAfter, attempt.Token).ConfigureAwait(false);
                        if (!RetryPolicy.IsRetryable(response.StatusCode, failure.ErrorCode))
                        {
                            throw failure;
                        }
                    }
                    finally
                    {
                        if (!keepResponse)
                        {
                            response.Dispose();
                        }
                    }
                }
                catch (Exception exception) when (RetryPolicy.IsTransient(exception, cancellationToken))
                {
                    var what = attempt.TimedOut
                        ? $"no progress for {_retry.NetworkTimeout.TotalSeconds:0.#} s"
                        : exception.Message;
                    failure = new UploadsException(0, UploadsErrorCodes.NetworkError, $"{describe} got no answer after {retry + 1} attempt(s): {what}", exception);
                }
            }

            var delay = _retry.GetDelay(retry + 1, retryAfter);
            if (retry >= _retry.MaxRetries || waited + delay > _retry.MaxTotalDelay)
            {
                throw failure;
            }

            waited += delay;
            onRetry?.Invoke();
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
