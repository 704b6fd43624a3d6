using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Abstractions;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

/// <summary>
/// Grain calls that Orleans refuses because the grain's silo is gone: the gateway retries them, and only when the
/// retries fail too does the client get 503 <c>silo_unavailable</c> with <c>Retry-After</c>, never a 500.
/// </summary>
public sealed class SiloUnavailableTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;

    [Fact]
    public async Task PutChunk_SiloUnavailableForAFewCalls_IsRetriedAndAcknowledged()
    {
        var refusals = new SiloRefusingFilter();
        await using var app = new UploadsApplication(configureServices: services => services.AddSingleton<IIncomingGrainCallFilter>(refusals));
        using var client = app.CreateApiClient();
        var chunk = TestPayload.Bytes(ChunkSize);
        var uploadId = await client.CreateUploadAsync(2 * ChunkSize);
        refusals.RefuseNext(3);

        var upload = await client.PutChunkOkAsync(uploadId, 0, chunk);

        Assert.Equal("[[0,0]]", upload.GetProperty("receivedChunks").GetRawText());
        Assert.Equal(0, refusals.Remaining);
    }

    [Fact]
    public async Task GetUpload_SiloStaysUnavailable_Returns503SiloUnavailableWithRetryAfter()
    {
        var refusals = new SiloRefusingFilter();
        await using var app = new UploadsApplication(configureServices: services => services.AddSingleton<IIncomingGrainCallFilter>(refusals));
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(2 * ChunkSize);
        refusals.RefuseNext(int.MaxValue);

        using var response = await client.GetAsync($"/v1/uploads/{uploadId}");

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "silo_unavailable");
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    /// <summary>Refuses calls to upload grains as Orleans does when their silo has died, as many times as told.</summary>
    private sealed class SiloRefusingFilter : IIncomingGrainCallFilter
    {
        private readonly Lock _lock = new();
        private int _remaining;

        public int Remaining
        {
            get
            {
                lock (_lock)
                {
                    return _remaining;
                }
            }
        }

        public void RefuseNext(int count)
        {
            lock (_lock)
            {
                _remaining = count;
            }
        }

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.Grain is IUploadGrain && TryTakeRefusal())
            {
                throw new SiloUnavailableException("The silo holding the grain is gone.");
            }

            return context.Invoke();
        }

        private bool TryTakeRefusal()
        {
            lock (_lock)
            {
                if (_remaining == 0)
                {
                    return false;
                }

                _remaining--;
                return true;
            }
        }
    }
}
