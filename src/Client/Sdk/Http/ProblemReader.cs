using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Client.Serialization;

namespace Uploads.Client.Http;

/// <summary>Turns an error answer into the <see cref="UploadsException"/> that describes it.</summary>
internal static class ProblemReader
{
    public static async Task<UploadsException> ReadAsync(HttpResponseMessage response, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        ProblemDocument? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync(UploadsJsonContext.Default.ProblemDocument, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                // Not a problem document after all (a proxy's page, say): the status alone describes the failure.
            }
        }

        var title = problem?.Title ?? response.ReasonPhrase;
        var detail = problem?.Detail;
        var code = problem?.Code;
        var message = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} failed with {status}" +
            (code is null ? "" : $" {code}") +
            ((detail ?? title) is { } text ? $": {text}" : ".");
        return new UploadsException(status, code, message)
        {
            Title = title,
            Detail = detail,
            MissingChunks = problem?.MissingChunks ?? [],
            RetryAfter = retryAfter,
        };
    }

    /// <summary>The wait <c>Retry-After</c> asks for, as seconds or as an HTTP date, if the answer has one.</summary>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
