using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Uploads.Client.Tests.Fakes;

namespace Uploads.Client.Tests;

/// <summary>
/// The client's retry rules, against a scripted handler so that each rule is seen alone and no delay is really
/// waited (the clock records them). Against the real silo, see <see cref="UploadFileTests"/>.
/// </summary>
public sealed class RetryTests
{
    private const string UploadId = "01JD3W7K2Q0M8Z5X9C4V6B1N2T";

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, null)]
    [InlineData(HttpStatusCode.TooManyRequests, "rate_limited")]
    [InlineData(HttpStatusCode.InternalServerError, null)]
    [InlineData(HttpStatusCode.BadGateway, null)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "storage_unavailable")]
    [InlineData(HttpStatusCode.GatewayTimeout, null)]
    [InlineData(HttpStatusCode.BadRequest, "digest_mismatch")]
    public async Task GetUpload_RetryableAnswer_RetriesAndSucceeds(HttpStatusCode status, string? code)
    {
        var script = new ScriptedHandler().ThenStatus(status, code).ThenUpload(UploadId);
        using var client = CreateClient(script, out _);

        var upload = await client.GetUploadAsync(UploadId);

        Assert.Equal(UploadId, upload.UploadId);
        Assert.Equal(UploadState.Uploading, upload.State);
        Assert.Equal([new ChunkRange(0, 0)], upload.ReceivedChunks);
        Assert.Equal(2, script.Received.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "validation_error")]
    [InlineData(HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData(HttpStatusCode.NotFound, "not_found")]
    [InlineData(HttpStatusCode.Conflict, "invalid_state")]
    [InlineData(HttpStatusCode.Gone, "upload_aborted")]
    [InlineData(HttpStatusCode.LengthRequired, "length_required")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "payload_too_large")]
    [InlineData(HttpStatusCode.NotImplemented, null)]
    public async Task GetUpload_FinalAnswer_ThrowsProblemWithoutRetrying(HttpStatusCode status, string? code)
    {
        var script = new ScriptedHandler().ThenStatus(status, code);
        using var client = CreateClient(script, out var clock);

        var exception = await Assert.ThrowsAsync<UploadsException>(() => client.GetUploadAsync(UploadId));

        Assert.Equal((int)status, exception.Status);
        Assert.Equal(code, exception.ErrorCode);
        Assert.Equal($"Scripted {(int)status}.", exception.Detail);
        Assert.False(exception.IsTransient);
        Assert.Single(script.Received);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task GetUpload_RetryAfterSeconds_WaitsAtLeastThatLong()
    {
        var script = new ScriptedHandler()
            .ThenStatus(HttpStatusCode.ServiceUnavailable, "storage_unavailable", new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)))
            .ThenUpload(UploadId);
        using var client = CreateClient(script, out var clock);

        await client.GetUploadAsync(UploadId);

        Assert.Equal([TimeSpan.FromSeconds(7)], clock.Delays);
    }

    [Fact]
    public async Task GetUpload_RetryAfterDate_WaitsUntilThatDate()
    {
        var clock = new RecordingTimeProvider();
        var script = new ScriptedHandler()
            .ThenStatus(HttpStatusCode.TooManyRequests, "too_many_uploads", new RetryConditionHeaderValue(clock.Now.AddSeconds(20)))
            .ThenUpload(UploadId);
        using var client = CreateClient(script, clock);

        await client.GetUploadAsync(UploadId);

        Assert.Equal([TimeSpan.FromSeconds(20)], clock.Delays);
    }

    [Fact]
    public async Task GetUpload_NetworkFailsEveryTime_BacksOffExponentiallyWithJitterThenThrowsNetworkError()
    {
        var script = new ScriptedHandler();
        for (var i = 0; i < 6; i++)
        {
            script.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused."));
        }

        var clock = new RecordingTimeProvider();
        using var client = CreateClient(script, clock, retry =>
        {
            retry.MaxRetries = 5;
            retry.Delay = TimeSpan.FromSeconds(1);
            retry.MaxDelay = TimeSpan.FromSeconds(4);
        });

        var exception = await Assert.ThrowsAsync<UploadsException>(() => client.GetUploadAsync(UploadId));

        Assert.Equal(0, exception.Status);
        Assert.Equal(UploadsErrorCodes.NetworkError, exception.ErrorCode);
        Assert.True(exception.IsTransient);
        Assert.IsType<HttpRequestException>(exception.InnerException);
        Assert.Equal(6, script.Received.Count);
        // Each delay is its exponential step (1, 2, 4, then capped at 4 s) less a random part of up to half of it.
        double[] steps = [1, 2, 4, 4, 4];
        Assert.Equal(steps.Length, clock.Delays.Count);
        Assert.All(steps.Zip(clock.Delays), pair => Assert.InRange(pair.Second.TotalSeconds, pair.First / 2, pair.First));
    }

    [Fact]
    public async Task GetUpload_RetryAfterBeyondTotalDelayBudget_GivesUpWithTheServersProblem()
    {
        var wait = new RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
        var script = new ScriptedHandler()
            .ThenStatus(HttpStatusCode.ServiceUnavailable, "storage_unavailable", wait)
            .ThenStatus(HttpStatusCode.ServiceUnavailable, "storage_unavailable", wait);
        using var client = CreateClient(script, new RecordingTimeProvider(), retry => retry.MaxTotalDelay = TimeSpan.FromSeconds(3));

        var exception = await Assert.ThrowsAsync<UploadsException>(() => client.GetUploadAsync(UploadId));

        Assert.Equal(503, exception.Status);
        Assert.Equal(UploadsErrorCodes.StorageUnavailable, exception.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(2), exception.RetryAfter);
        Assert.Equal(2, script.Received.Count);
    }

    [Fact]
    public async Task CreateUpload_RetriedAfterLostAnswer_SendsTheSameClientChosenId()
    {
        var script = new ScriptedHandler()
            .ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "The connection broke."))
            .ThenUpload(UploadId, HttpStatusCode.Created);
        using var client = CreateClient(script, out _);

        await client.CreateUploadAsync(new CreateUploadOptions { FileName = "a.bin", Size = 10 });

        var ids = script.Received.Select(received => JsonDocument.Parse(received.Body!).RootElement.GetProperty("uploadId").GetString()).ToArray();
        Assert.Equal(2, ids.Length);
        Assert.Equal(ids[0], ids[1]);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{26}$", ids[0]);
    }

    [Fact]
    public async Task GetUpload_BearerToken_IsSentOnEveryAttempt()
    {
        var script = new ScriptedHandler().ThenStatus(HttpStatusCode.BadGateway).ThenUpload(UploadId);
        var options = new UploadsClientOptions { BearerToken = "token-1", TimeProvider = new RecordingTimeProvider() };
        options.Retry.NetworkTimeout = Timeout.InfiniteTimeSpan;
        using var client = new UploadsClient(new HttpClient(script) { BaseAddress = new Uri("http://127.0.0.1:1/") }, options);

        await client.GetUploadAsync(UploadId);

        Assert.All(script.Received, received => Assert.Equal(new AuthenticationHeaderValue("Bearer", "token-1"), received.Request.Headers.Authorization));
    }

    private static UploadsClient CreateClient(ScriptedHandler script, out RecordingTimeProvider clock)
    {
        clock = new RecordingTimeProvider();
        return CreateClient(script, clock);
    }

    private static UploadsClient CreateClient(ScriptedHandler script, RecordingTimeProvider clock, Action<UploadsRetryOptions>? configure = null)
    {
        var options = new UploadsClientOptions { TimeProvider = clock };
        // The clock fires every timer at once: a network timeout would cut every attempt short.
        options.Retry.NetworkTimeout = Timeout.InfiniteTimeSpan;
        configure?.Invoke(options.Retry);
        return new UploadsClient(new HttpClient(script) { BaseAddress = new Uri("http://127.0.0.1:1/") }, options);
    }
}
