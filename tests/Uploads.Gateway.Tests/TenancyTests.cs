using System.Net;
using System.Net.Http.Headers;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

public sealed class TenancyTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;

    [Fact]
    public async Task EveryOperation_OtherTenantsUpload_IsNotFoundAsForAnUnknownId()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var alice = Authorized(app, "alice");
        using var bob = Authorized(app, "bob");
        var file = TestPayload.Bytes(ChunkSize);
        var id = await alice.CreateUploadAsync(file.Length);
        await alice.PutChunkOkAsync(id, 0, file);
        var finished = await alice.CreateUploadAsync(file.Length);
        await alice.PutChunkOkAsync(finished, 0, file);
        await alice.CompleteAsync(finished);

        var attempts = new (string Name, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("status", () => bob.GetAsync($"/v1/uploads/{id}")),
            ("chunk", () => bob.PutChunkAsync(id, 0, file)),
            ("complete", () => bob.PostCompleteAsync(id)),
            ("abort", () => bob.DeleteAsync($"/v1/uploads/{id}")),
            ("content", () => bob.GetAsync($"/v1/uploads/{finished}/content")),
        };
        foreach (var (name, send) in attempts)
        {
            using var response = await send();
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            Assert.False(string.IsNullOrEmpty(name));
        }

        var listed = await (await bob.GetAsync("/v1/uploads")).ReadJsonAsync();
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());
        var still = await alice.GetUploadAsync(id);
        Assert.Equal("uploading", still.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Create_SameClientIdInTwoTenants_AreIndependentUploads()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings());
        using var alice = Authorized(app, "alice");
        using var bob = Authorized(app, "bob");

        var first = await alice.CreateUploadAsync(new { fileName = "a.bin", size = 10, uploadId = "shared-id" });
        var second = await bob.CreateUploadAsync(new { fileName = "b.bin", size = 20, uploadId = "shared-id" });

        Assert.Equal("a.bin", first.GetProperty("fileName").GetString());
        Assert.Equal("b.bin", second.GetProperty("fileName").GetString());
        Assert.Equal(10, (await alice.GetUploadAsync("shared-id")).GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Create_TenantAtActiveLimit_Is429TooManyUploadsUntilOneEnds()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings(("Uploads:Limits:MaxActiveUploadsPerTenant", "2")));
        using var alice = Authorized(app, "alice");
        using var bob = Authorized(app, "bob");
        var first = await alice.CreateUploadAsync(10);
        await alice.CreateUploadAsync(10);

        using var refused = await alice.PostCreateAsync(new { fileName = "c.bin", size = 10 });
        await bob.CreateUploadAsync(10);
        using var aborted = await alice.DeleteAsync($"/v1/uploads/{first}");
        using var admitted = await alice.PostCreateAsync(new { fileName = "c.bin", size = 10 });

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_uploads");
        Assert.NotNull(refused.Headers.RetryAfter);
        await aborted.AssertStatusAsync(HttpStatusCode.NoContent);
        await admitted.AssertStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Request_TenantOverItsRate_Is429RateLimitedWhileOtherTenantIsServed()
    {
        await using var app = new UploadsApplication(TestTokens.JwtSettings(
            ("Uploads:Limits:RequestsPerSecond", "1"),
            ("Uploads:Limits:RequestBurst", "2")));
        using var alice = Authorized(app, "alice");
        using var bob = Authorized(app, "bob");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await alice.GetAsync("/v1/uploads");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using var other = await bob.GetAsync("/v1/uploads");

        Assert.NotNull(limited);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, $"The burst admits three requests; got {string.Join(", ", statuses)}.");
        await other.AssertStatusAsync(HttpStatusCode.OK);
        limited.Dispose();
    }

    private static HttpClient Authorized(UploadsApplication app, string tenant)
    {
        var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(tenant));
        return client;
    }
}
