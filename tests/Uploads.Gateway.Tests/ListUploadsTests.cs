using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Gateway.Tests.Infrastructure;
using Uploads.Testing;

namespace Uploads.Gateway.Tests;

public sealed class ListUploadsTests
{
    [Fact]
    public async Task List_SomeUploads_ReturnsAllOfThem()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await client.CreateUploadAsync(10, fileName: $"f{i}.bin"));
        }

        using var response = await client.GetAsync("/v1/uploads");
        var page = await response.ReadJsonAsync();

        Assert.Equal(ids.Order(StringComparer.Ordinal), Ids(page).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var item = page.GetProperty("items").EnumerateArray().First();
        var status = await client.GetUploadAsync(item.GetProperty("uploadId").GetString()!);
        Assert.Equal(status.GetRawText(), item.GetRawText());
    }

    [Fact]
    public async Task List_NoUploads_ReturnsEmptyPage()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync("/v1/uploads");
        var page = await response.ReadJsonAsync();

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("completed", "done")]
    [InlineData("aborted", "gone")]
    [InlineData("created", "fresh")]
    [InlineData("uploading", "busy")]
    [InlineData("expired", null)]
    public async Task List_StateFilter_ReturnsOnlyUploadsInThatState(string state, string? expectedId)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        await client.CreateUploadAsync(new { fileName = "a.bin", size = 0, uploadId = "done" });
        await client.CompleteAsync("done");
        await client.CreateUploadAsync(new { fileName = "a.bin", size = 10, uploadId = "gone" });
        using (var aborted = await client.DeleteAsync("/v1/uploads/gone"))
        {
            await aborted.AssertStatusAsync(HttpStatusCode.NoContent);
        }

        await client.CreateUploadAsync(new { fileName = "a.bin", size = 10, uploadId = "fresh" });
        await client.CreateUploadAsync(new { fileName = "a.bin", size = 10, uploadId = "busy" });
        await client.PutChunkOkAsync("busy", 0, TestPayload.Bytes(10));

        using var response = await client.GetAsync($"/v1/uploads?state={state}");
        var page = await response.ReadJsonAsync();

        Assert.Equal(expectedId is null ? [] : [expectedId], Ids(page));
        Assert.All(page.GetProperty("items").EnumerateArray(), item => Assert.Equal(state, item.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task List_UploadPastItsTtl_ShowsAsExpired()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        await using var app = new UploadsApplication(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(10);
        clock.Advance(TimeSpan.FromHours(25));

        using var response = await client.GetAsync("/v1/uploads?state=expired");
        var page = await response.ReadJsonAsync();

        Assert.Equal([uploadId], Ids(page));
    }

    [Fact]
    public async Task List_NoLimit_ReturnsPagesOf100()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        for (var i = 0; i < 101; i++)
        {
            await client.CreateUploadAsync(new { fileName = "a.bin", size = 10, uploadId = $"u{i:D3}" });
        }

        using var first = await client.GetAsync("/v1/uploads");
        var firstPage = await first.ReadJsonAsync();
        using var second = await client.GetAsync($"/v1/uploads?cursor={Uri.EscapeDataString(firstPage.GetProperty("nextCursor").GetString()!)}");
        var secondPage = await second.ReadJsonAsync();

        Assert.Equal(100, Ids(firstPage).Count);
        Assert.Equal(["u100"], Ids(secondPage));
        Assert.Equal(JsonValueKind.Null, secondPage.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    [InlineData("limit=-1")]
    [InlineData("limit=1.5")]
    [InlineData("limit=99999999999")]
    [InlineData("state=done")]
    [InlineData("cursor=garbage!")]
    [InlineData("cursor=Zm9v")]
    [InlineData("cursor=djE6Li4")]
    public async Task List_InvalidQuery_Returns400ValidationError(string query)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.GetAsync($"/v1/uploads?{query}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task List_LimitAtBounds_IsAccepted(int limit)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        await client.CreateUploadAsync(10);

        using var response = await client.GetAsync($"/v1/uploads?limit={limit}");

        Assert.Single(Ids(await response.ReadJsonAsync()));
    }

    [Fact]
    public async Task List_PagesOfTwoOverFive_VisitEachOnceAndEndWithNullCursor()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await client.CreateUploadAsync(10));
        }

        var (visited, pages) = await ListAllAsync(client, limit: 2, betweenPages: null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), visited.Order(StringComparer.Ordinal));
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task List_UploadCreatedBetweenPages_OthersStillVisitedExactlyOnce()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await client.CreateUploadAsync(10));
        }

        var (visited, _) = await ListAllAsync(client, limit: 2, betweenPages: async page =>
        {
            if (page == 1)
            {
                await client.CreateUploadAsync(10);
            }
        });

        Assert.Equal(visited.Count, visited.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Single(visited, v => v == id));
    }

    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("uploadId").GetString()!)];

    private static async Task<(List<string> Visited, int Pages)> ListAllAsync(HttpClient client, int limit, Func<int, Task>? betweenPages)
    {
        var visited = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var query = cursor is null ? $"?limit={limit}" : $"?limit={limit}&cursor={Uri.EscapeDataString(cursor)}";
            using var response = await client.GetAsync($"/v1/uploads{query}");
            var page = await response.ReadJsonAsync();
            var ids = Ids(page);
            Assert.True(ids.Count <= limit);
            visited.AddRange(ids);
            pages++;
            Assert.True(pages <= 10, "The listing does not end.");
            cursor = page.GetProperty("nextCursor").GetString();
            if (betweenPages is not null)
            {
                await betweenPages(pages);
            }
        }
        while (cursor is not null);

        return (visited, pages);
    }
}
