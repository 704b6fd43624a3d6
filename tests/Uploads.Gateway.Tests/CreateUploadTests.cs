using System.Net;
using Uploads.Gateway.Tests.Infrastructure;

namespace Uploads.Gateway.Tests;

public sealed class CreateUploadTests
{
    private const long MiB = 1024 * 1024;

    public static TheoryData<string> InvalidBodies => new()
    {
        Json("{'size':10}"),
        Json("{'fileName':'','size':10}"),
        Json("{'fileName':null,'size':10}"),
        Json($"{{'fileName':'{new string('a', 256)}','size':10}}"),
        Json("{'fileName':'a\\u0001b','size':10}"),
        Json("{'fileName':'a\\nb','size':10}"),
        Json("{'fileName':'a\\u007Fb','size':10}"),
        Json("{'fileName':'a\\u0085b','size':10}"),
        Json("{'fileName':'a.bin'}"),
        Json("{'fileName':'a.bin','size':null}"),
        Json("{'fileName':'a.bin','size':-1}"),
        Json("{'fileName':'a.bin','size':1.5}"),
        Json("{'fileName':'a.bin','size':'ten'}"),
        Json("{'fileName':'a.bin','size':10,'contentType':'not a media type'}"),
        Json("{'fileName':'a.bin','size':10,'contentType':''}"),
        Json("{'fileName':'a.bin','size':10,'contentType':'text/plain;\\r\\n charset=utf-8'}"),
        Json("{'fileName':'a.bin','size':10,'contentType':'text/plain; name=\\\"\u00e9\\\"'}"),
        Json("{'fileName':'a.bin','size':10,'contentType':'text/plain\\u0000'}"),
        Json("{'fileName':'a.bin','size':10,'uploadId':'a/b'}"),
        Json("{'fileName':'a.bin','size':10,'uploadId':'..'}"),
        Json("{'fileName':'a.bin','size':10,'uploadId':'.'}"),
        Json("{'fileName':'a.bin','size':10,'uploadId':''}"),
        Json("{'fileName':'a.bin','size':10,'uploadId':'a b'}"),
        Json($"{{'fileName':'a.bin','size':10,'uploadId':'{new string('a', 129)}'}}"),
        Json($"{{'fileName':'a.bin','size':10,'metadata':{{{string.Join(",", Enumerable.Range(0, 33).Select(i => $"'k{i}':'v'"))}}}}}"),
        Json($"{{'fileName':'a.bin','size':10,'metadata':{{'k':'{new string('v', 8 * 1024)}'}}}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':{'k':1}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':{'a\\r\\nb':'v'}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':{'caf\u00e9':'v'}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':{'a b':'v'}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':{'a,b':'v'}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':{'':'v'}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':{'k':null}}"),
        Json("{'fileName':'a.bin','size':10,'metadata':['k']}"),
        Json("{'fileName':'a.bin','size':1048576,'chunkSize':65535}"),
        Json("{'fileName':'a.bin','size':1048576,'chunkSize':0}"),
        Json("{'fileName':'a.bin','size':1048576,'chunkSize':-1}"),
        Json($"{{'fileName':'a.bin','size':1048576,'chunkSize':{(512 * MiB) + 1}}}"),
        Json($"{{'fileName':'a.bin','size':{(10_000L * 64 * 1024) + 1},'chunkSize':65536}}"),
        "{\"fileName\":\"a.bin\",",
        "not json",
        "",
        "null",
        "[]",
        "[{\"fileName\":\"a.bin\",\"size\":10}]",
        "\"a.bin\"",
    };

    [Fact]
    public async Task Create_ValidRequest_Returns201WithLocationAndResource()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.PostCreateAsync(new { fileName = "movie.mp4", size = 100, contentType = "video/mp4", metadata = new { project = "p-123" } });
        var upload = await response.ReadJsonAsync(HttpStatusCode.Created);

        var uploadId = upload.GetProperty("uploadId").GetString()!;
        Assert.Equal(26, uploadId.Length);
        Assert.Equal($"/v1/uploads/{uploadId}", response.Headers.Location?.OriginalString);
        Assert.Equal("created", upload.GetProperty("state").GetString());
        Assert.Equal("movie.mp4", upload.GetProperty("fileName").GetString());
        Assert.Equal("video/mp4", upload.GetProperty("contentType").GetString());
        Assert.Equal(100, upload.GetProperty("size").GetInt64());
        Assert.Equal(8 * MiB, upload.GetProperty("chunkSize").GetInt64());
        Assert.Equal(1, upload.GetProperty("chunkCount").GetInt32());
        Assert.Equal("p-123", upload.GetProperty("metadata").GetProperty("project").GetString());
        Assert.Equal("[]", upload.GetProperty("receivedChunks").GetRawText());
        Assert.Equal(0, upload.GetProperty("receivedChunkCount").GetInt32());
        Assert.Equal(0, upload.GetProperty("receivedBytes").GetInt64());
        Assert.Equal(0, upload.GetProperty("nextChunkIndex").GetInt32());
        Assert.False(upload.GetProperty("complete").GetBoolean());
        Assert.EndsWith("Z", upload.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", upload.GetProperty("updatedAt").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", upload.GetProperty("expiresAt").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(24), upload.GetProperty("expiresAt").GetDateTimeOffset() - upload.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, upload.GetProperty("result").ValueKind);
        Assert.False(upload.TryGetProperty("chunk", out _));
    }

    [Fact]
    public async Task Create_NoContentType_DefaultsToOctetStream()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        var upload = await client.CreateUploadAsync(new { fileName = "a.bin", size = 10 });

        Assert.Equal("application/octet-stream", upload.GetProperty("contentType").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, upload.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task Create_Location_ServesTheCreatedUpload()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var created = await client.PostCreateAsync(new { fileName = "a.bin", size = 10 });
        var upload = await created.ReadJsonAsync(HttpStatusCode.Created);
        using var fetched = await client.GetAsync(created.Headers.Location);

        Assert.Equal(upload.GetRawText(), (await fetched.ReadJsonAsync()).GetRawText());
    }

    [Theory]
    [InlineData(0, 8 * MiB, 0)]
    [InlineData(1, 8 * MiB, 1)]
    [InlineData(8 * MiB, 8 * MiB, 1)]
    [InlineData((8 * MiB) + 1, 8 * MiB, 2)]
    [InlineData(10_000 * 8 * MiB, 8 * MiB, 10_000)]
    [InlineData((10_000 * 8 * MiB) + 1, 9 * MiB, 8_889)]
    [InlineData(1L << 40, 105 * MiB, 9_987)]
    public async Task Create_NoChunkSize_DefaultRaisedToStayWithinMaxChunkCount(long size, long expectedChunkSize, int expectedChunkCount)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        var upload = await client.CreateUploadAsync(new { fileName = "a.bin", size });

        Assert.Equal(expectedChunkSize, upload.GetProperty("chunkSize").GetInt64());
        Assert.Equal(expectedChunkCount, upload.GetProperty("chunkCount").GetInt32());
        Assert.True(upload.GetProperty("chunkCount").GetInt32() <= 10_000);
    }

    [Theory]
    [InlineData(1_048_576, 65_536, 16)]
    [InlineData(1_048_577, 65_536, 17)]
    [InlineData(100, 65_536, 1)]
    [InlineData(0, 65_536, 0)]
    [InlineData(512 * MiB, 512 * MiB, 1)]
    [InlineData(10_000L * 65_536, 65_536, 10_000)]
    public async Task Create_ChunkSizeWithinLimits_UsesIt(long size, long chunkSize, int expectedChunkCount)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        var upload = await client.CreateUploadAsync(new { fileName = "a.bin", size, chunkSize });

        Assert.Equal(chunkSize, upload.GetProperty("chunkSize").GetInt64());
        Assert.Equal(expectedChunkCount, upload.GetProperty("chunkCount").GetInt32());
    }

    [Fact]
    public async Task Create_BoundaryValues_AreAccepted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var metadata = Enumerable.Range(0, 32).ToDictionary(i => $"k{i:D2}", i => new string('v', 200));

        var upload = await client.CreateUploadAsync(new { fileName = new string('a', 255), size = 1L << 40, uploadId = new string('b', 128), metadata });

        Assert.Equal(new string('b', 128), upload.GetProperty("uploadId").GetString());
        Assert.Equal(32, upload.GetProperty("metadata").EnumerateObject().Count());
    }

    [Fact]
    public async Task Create_MetadataOfExactly8KiB_IsAccepted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        var upload = await client.CreateUploadAsync(new { fileName = "a.bin", size = 10, metadata = new Dictionary<string, string> { ["k"] = new('v', (8 * 1024) - 1) } });

        Assert.Equal((8 * 1024) - 1, upload.GetProperty("metadata").GetProperty("k").GetString()!.Length);
    }

    [Fact]
    public async Task Create_MetadataValueWithLineBreaksAndNonAscii_IsKeptAndCarriedByTus()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var value = "line one\r\nline two, caf\u00e9";
        var upload = await client.UploadFileAsync(TestPayload.Bytes(10), metadata: new Dictionary<string, string> { ["project-id"] = value });

        using var head = await client.SendAsync(TusClientExtensions.TusRequest(HttpMethod.Head, $"/files/{upload.GetProperty("uploadId").GetString()}"));

        await head.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(value, upload.GetProperty("metadata").GetProperty("project-id").GetString());
        Assert.Equal(TusClientExtensions.Metadata(("project-id", value)), head.Header("Upload-Metadata"));
    }

    [Fact]
    public async Task Download_ContentTypeWithParameters_IsServedAsCreated()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var upload = await client.UploadFileAsync(TestPayload.Bytes(10), contentType: "text/plain; charset=utf-8");

        using var response = await client.GetAsync($"/v1/uploads/{upload.GetProperty("uploadId").GetString()}/content");

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_InvalidBody_Returns400ValidationError(string body)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.PostCreateAsync(body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Theory]
    [InlineData((1L << 40) + 1)]
    [InlineData(long.MaxValue)]
    public async Task Create_SizeAboveMaxUploadBytes_Returns413PayloadTooLarge(long size)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.PostCreateAsync(new { fileName = "a.bin", size });

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Create_SizeAboveConfiguredMaxUploadBytes_Returns413PayloadTooLarge()
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Limits:MaxUploadBytes"] = "1000" });
        using var client = app.CreateApiClient();

        using var accepted = await client.PostCreateAsync(new { fileName = "a.bin", size = 1000 });
        using var refused = await client.PostCreateAsync(new { fileName = "a.bin", size = 1001 });

        await accepted.AssertStatusAsync(HttpStatusCode.Created);
        await refused.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Create_SameClientIdAndParameters_Returns200WithSameResource()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var request = new { fileName = "a.bin", size = 200_000, chunkSize = 65_536, contentType = "text/plain", uploadId = "client-id_1.a" };
        var created = await client.CreateUploadAsync(request);
        await client.PutChunkOkAsync("client-id_1.a", 1, TestPayload.Bytes(65_536));
        var current = await client.GetUploadAsync("client-id_1.a");

        using var again = await client.PostCreateAsync(request);
        var resource = await again.ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal("client-id_1.a", created.GetProperty("uploadId").GetString());
        Assert.Equal(current.GetRawText(), resource.GetRawText());
        Assert.Equal(created.GetProperty("createdAt").GetString(), resource.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Create_SameClientIdOtherMetadata_Returns200WithOriginalResource()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var created = await client.CreateUploadAsync(new { fileName = "a.bin", size = 10, uploadId = "mine", metadata = new { k = "first" } });

        using var again = await client.PostCreateAsync(new { fileName = "a.bin", size = 10, uploadId = "mine", metadata = new { k = "second" } });

        Assert.Equal(created.GetRawText(), (await again.ReadJsonAsync(HttpStatusCode.OK)).GetRawText());
    }

    [Theory]
    [InlineData("b.bin", 200_000, 65_536, "text/plain")]
    [InlineData("a.bin", 200_001, 65_536, "text/plain")]
    [InlineData("a.bin", 200_000, 131_072, "text/plain")]
    [InlineData("a.bin", 200_000, 65_536, "text/html")]
    public async Task Create_SameClientIdOtherParameters_Returns409UploadIdConflict(string fileName, long size, long chunkSize, string contentType)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        await client.CreateUploadAsync(new { fileName = "a.bin", size = 200_000, chunkSize = 65_536, contentType = "text/plain", uploadId = "mine" });

        using var response = await client.PostCreateAsync(new { fileName, size, chunkSize, contentType, uploadId = "mine" });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "upload_id_conflict");
        Assert.Equal("a.bin", (await client.GetUploadAsync("mine")).GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task Create_TwoWithoutClientId_GetDistinctServerIds()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        var first = await client.CreateUploadAsync(new { fileName = "a.bin", size = 10 });
        var second = await client.CreateUploadAsync(new { fileName = "a.bin", size = 10 });

        Assert.NotEqual(first.GetProperty("uploadId").GetString(), second.GetProperty("uploadId").GetString());
    }

    private static string Json(string singleQuoted) => singleQuoted.Replace('\'', '"');
}
