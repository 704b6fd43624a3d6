using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Gateway.Tests.Infrastructure;
using Uploads.Testing;
using static Uploads.Gateway.Tests.Infrastructure.TusClientExtensions;

namespace Uploads.Gateway.Tests.Tus;

public sealed class TusCoreTests
{
    // Small parts, so a body of a few hundred KiB is cut into several blocks.
    private static readonly Dictionary<string, string?> s_smallParts = new() { ["Uploads:Limits:DefaultChunkSize"] = "65536" };

    [Theory]
    [InlineData("/files/")]
    [InlineData("/files/01JD3W7K2Q0M8Z5X9C4V6B1N2T")]
    public async Task Options_AdvertisesVersionExtensionsMaxSizeAndChecksums(string path)
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Limits:MaxUploadBytes"] = "1048576" });
        using var client = app.CreateApiClient();

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, path));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Header("Tus-Resumable"));
        Assert.Equal("1.0.0", response.Header("Tus-Version"));
        Assert.Equal("creation,creation-with-upload,creation-defer-length,expiration,checksum,termination,concatenation", response.Header("Tus-Extension"));
        Assert.Equal("1048576", response.Header("Tus-Max-Size"));
        Assert.Equal("sha1,sha256,sha512,md5", response.Header("Tus-Checksum-Algorithm"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0.2.2")]
    public async Task Request_WithoutSupportedVersion_Is412WithTusVersionAndCreatesNothing(string? version)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/files/");
        request.Headers.Add("Upload-Length", "10");
        if (version is not null)
        {
            request.Headers.Add("Tus-Resumable", version);
        }

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "unsupported_version");
        Assert.Equal("1.0.0", response.Header("Tus-Version"));
        var list = await (await client.GetAsync("/v1/uploads")).ReadJsonAsync();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Create_Returns201WithAbsoluteLocationExpiryAndTheSameUploadInV1()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.TusCreateAsync(1000, Metadata(("filename", "movie.mp4"), ("filetype", "video/mp4"), ("project", "p-1")));

        await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("1.0.0", response.Header("Tus-Resumable"));
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri);
        Assert.StartsWith("/files/", location.AbsolutePath, StringComparison.Ordinal);
        Assert.NotNull(response.Header("Upload-Expires"));
        Assert.True(DateTimeOffset.TryParse(response.Header("Upload-Expires"), out _));
        var upload = await client.GetUploadAsync(IdOf(location.AbsolutePath));
        Assert.Equal("created", upload.GetProperty("state").GetString());
        Assert.Equal("movie.mp4", upload.GetProperty("fileName").GetString());
        Assert.Equal("video/mp4", upload.GetProperty("contentType").GetString());
        Assert.Equal(1000, upload.GetProperty("size").GetInt64());
        Assert.Equal("p-1", upload.GetProperty("metadata").GetProperty("project").GetString());
    }

    [Theory]
    [InlineData(new string[0], "neither length header")]
    [InlineData(new[] { "Upload-Length", "10", "Upload-Defer-Length", "1" }, "both length headers")]
    [InlineData(new[] { "Upload-Defer-Length", "2" }, "a defer value other than 1")]
    [InlineData(new[] { "Upload-Length", "-1" }, "a negative length")]
    [InlineData(new[] { "Upload-Length", "ten" }, "a length that is no number")]
    [InlineData(new[] { "Upload-Length", "10", "Upload-Metadata", "filename !!notbase64" }, "a value that is not base64")]
    [InlineData(new[] { "Upload-Length", "10", "Upload-Metadata", "a YQ==,a Yg==" }, "a key given twice")]
    [InlineData(new[] { "Upload-Length", "10", "Upload-Metadata", "filetype bm90IGEgdHlwZQ==" }, "a filetype that is not a media type")]
    [InlineData(new[] { "Upload-Length", "10", "Upload-Metadata", "filetype dGV4dC9wbGFpbjsNCiB4" }, "a filetype on a folded line")]
    [InlineData(new[] { "Upload-Length", "10", "Upload-Metadata", "filetype dGV4dC9wbGFpbjsgbmFtZT0iw6ki" }, "a filetype with a non-ASCII parameter")]
    [InlineData(new[] { "Upload-Length", "10", "Upload-Concat", "whole" }, "an unknown concatenation")]
    public async Task Create_WithInvalidHeaders_Is400AndCreatesNothing(string[] headers, string because)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var pairs = headers.Chunk(2).Select(h => (h[0], h[1])).ToArray();

        using var response = await client.SendAsync(TusRequest(HttpMethod.Post, "/files/", pairs));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        var list = await (await client.GetAsync("/v1/uploads")).ReadJsonAsync();
        Assert.True(list.GetProperty("items").GetArrayLength() == 0, because);
    }

    [Fact]
    public async Task Create_LongerThanTheLimit_Is413()
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Limits:MaxUploadBytes"] = "1000" });
        using var client = app.CreateApiClient();

        using var response = await client.TusCreateAsync(1001);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Head_ReportsOffsetLengthMetadataAndNoStore()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var metadata = Metadata(("filename", "a.txt"), ("note", "héllo"));
        var path = await client.TusCreateOkAsync(100, metadata + ",empty");
        await client.TusPatchOkAsync(path, 0, TestPayload.Bytes(40));

        using var response = await client.TusHeadAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("40", response.Header("Upload-Offset"));
        Assert.Equal("100", response.Header("Upload-Length"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        Assert.Equal("1.0.0", response.Header("Tus-Resumable"));
        Assert.NotNull(response.Header("Upload-Expires"));
        Assert.Equal((metadata + ",empty").Split(',').Order(StringComparer.Ordinal), response.Header("Upload-Metadata")!.Split(',').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Head_UnknownUpload_Is404()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.TusHeadAsync("/files/01JD3W7K2Q0M8Z5X9C4V6B1N2T");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Header("Upload-Offset"));
    }

    [Fact]
    public async Task Patch_WholeFile_CompletesTheUploadDownloadableAtBothPaths()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(200_000);
        var path = await client.TusCreateOkAsync(file.Length, Metadata(("filename", "data.bin")));

        using var response = await client.TusPatchAsync(path, 0, file);

        await response.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("200000", response.Header("Upload-Offset"));
        Assert.Null(response.Header("Upload-Expires"));
        var upload = await client.GetUploadAsync(IdOf(path));
        Assert.Equal("completed", upload.GetProperty("state").GetString());
        Assert.Equal(file, await client.GetByteArrayAsync($"/v1/uploads/{IdOf(path)}/content"));
        using var download = await client.GetAsync(path);
        Assert.Equal(file, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("data.bin", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
    }

    [Fact]
    public async Task Patch_InSeveralRequests_AppendsInOrder()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(3000);
        var path = await client.TusCreateOkAsync(file.Length);

        Assert.Equal(1000, await client.TusPatchOkAsync(path, 0, file[..1000]));
        Assert.Equal(1000, await client.TusOffsetAsync(path));
        Assert.Equal(2500, await client.TusPatchOkAsync(path, 1000, file[1000..2500]));
        Assert.Equal(3000, await client.TusPatchOkAsync(path, 2500, file[2500..]));

        Assert.Equal(file, await client.GetByteArrayAsync(path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1001)]
    public async Task Patch_AtAnotherOffset_Is409OffsetMismatchAndChangesNothing(long offset)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(3000);
        await client.TusPatchOkAsync(path, 0, TestPayload.Bytes(1000));

        using var response = await client.TusPatchAsync(path, offset, TestPayload.Bytes(500));

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "offset_mismatch");
        Assert.Equal("1.0.0", response.Header("Tus-Resumable"));
        Assert.Equal(1000, await client.TusOffsetAsync(path));
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("text/plain")]
    public async Task Patch_WithAnotherContentType_Is415(string contentType)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);
        var content = new ByteArrayContent(TestPayload.Bytes(10));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await client.TusPatchAsync(path, 0, content);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(0, await client.TusOffsetAsync(path));
    }

    [Fact]
    public async Task Patch_WithoutUploadOffset_Is400()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);
        using var request = TusRequest(HttpMethod.Patch, path);
        request.Content = new ByteArrayContent(TestPayload.Bytes(10));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(OffsetOctetStream);

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Patch_PastTheLength_Is413AndChangesNothing()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);

        using var response = await client.TusPatchAsync(path, 0, TestPayload.Bytes(101));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0, await client.TusOffsetAsync(path));
    }

    [Fact]
    public async Task Patch_LongBody_IsCutIntoPartsOfTheUploadsPartSize()
    {
        await using var app = new UploadsApplication(s_smallParts);
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((3 * 65536) + 100);
        var path = await client.TusCreateOkAsync(file.Length);

        await client.TusPatchOkAsync(path, 0, file);

        var upload = await client.GetUploadAsync(IdOf(path));
        Assert.Equal(65536, upload.GetProperty("chunkSize").GetInt64());
        Assert.Equal(4, upload.GetProperty("chunkCount").GetInt32());
        Assert.Equal(file, await client.GetByteArrayAsync(path));
    }

    [Fact]
    public async Task Patch_WithoutContentLength_IsStreamedInParts()
    {
        await using var app = new UploadsApplication(s_smallParts);
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((2 * 65536) + 7);
        var path = await client.TusCreateOkAsync(file.Length);

        using var response = await client.TusPatchAsync(path, 0, new UnknownLengthContent(file));

        await response.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(3, (await client.GetUploadAsync(IdOf(path))).GetProperty("chunkCount").GetInt32());
        Assert.Equal(file, await client.GetByteArrayAsync(path));
    }

    [Fact]
    public async Task Patch_WithoutContentLengthToADeferredUpload_IsReadInBlocksOfTheDefaultChunkSize()
    {
        await using var app = new UploadsApplication(s_smallParts);
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((3 * 65536) + 5);
        var path = await client.TusCreateOkAsync(length: null);

        using var response = await client.TusPatchAsync(path, 0, new UnknownLengthContent(file), ("Upload-Length", file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await response.AssertStatusAsync(HttpStatusCode.NoContent);
        var upload = await client.GetUploadAsync(IdOf(path));
        Assert.True(upload.GetProperty("chunkSize").GetInt64() > 65536);
        Assert.Equal(4, upload.GetProperty("chunkCount").GetInt32());
        Assert.Equal(file, await client.GetByteArrayAsync(path));
    }

    [Fact]
    public async Task Patch_Empty_ChangesNothing()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);

        Assert.Equal(0, await client.TusPatchOkAsync(path, 0, []));

        Assert.Equal("created", (await client.GetUploadAsync(IdOf(path))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Create_EmptyUpload_IsCompletedAtOnce()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        var path = await client.TusCreateOkAsync(0);

        Assert.Equal("completed", (await client.GetUploadAsync(IdOf(path))).GetProperty("state").GetString());
        Assert.Empty(await client.GetByteArrayAsync(path));
    }

    [Fact]
    public async Task MethodOverride_PostActsAsPatchAndDelete()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);
        using var patch = TusRequest(HttpMethod.Post, path, ("X-HTTP-Method-Override", "PATCH"), ("Upload-Offset", "0"));
        patch.Content = new ByteArrayContent(TestPayload.Bytes(60));
        patch.Content.Headers.ContentType = new MediaTypeHeaderValue(OffsetOctetStream);

        using var patched = await client.SendAsync(patch);
        using var deleted = await client.SendAsync(TusRequest(HttpMethod.Post, path, ("X-HTTP-Method-Override", "DELETE")));

        await patched.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("60", patched.Header("Upload-Offset"));
        await deleted.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal("aborted", (await client.GetUploadAsync(IdOf(path))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Terminate_ReleasesTheUploadAndLaterRequestsAre410()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);
        await client.TusPatchOkAsync(path, 0, TestPayload.Bytes(50));

        using var terminated = await client.SendAsync(TusRequest(HttpMethod.Delete, path));
        using var head = await client.TusHeadAsync(path);
        using var patch = await client.TusPatchAsync(path, 50, TestPayload.Bytes(50));

        await terminated.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        await patch.AssertProblemAsync(HttpStatusCode.Gone, "upload_aborted");
        Assert.Equal("aborted", (await client.GetUploadAsync(IdOf(path))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Terminate_CompletedUpload_Returns204AndReleasesTheFile()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(100);
        var path = await client.TusCreateOkAsync(file.Length);
        await client.TusPatchOkAsync(path, 0, file);
        Assert.Equal(file, await client.GetByteArrayAsync(path));

        using var terminated = await client.SendAsync(TusRequest(HttpMethod.Delete, path));
        using var again = await client.SendAsync(TusRequest(HttpMethod.Delete, path));
        using var head = await client.TusHeadAsync(path);
        using var get = await client.GetAsync(path);
        using var content = await client.GetAsync($"/v1/uploads/{IdOf(path)}/content");

        await terminated.AssertStatusAsync(HttpStatusCode.NoContent);
        await again.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        await get.AssertProblemAsync(HttpStatusCode.Gone, "upload_aborted");
        await content.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
        var upload = await client.GetUploadAsync(IdOf(path));
        Assert.Equal("aborted", upload.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, upload.GetProperty("result").ValueKind);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Root, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Expiration_UploadExpiresAfterTheTtlFromItsLastAppend()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        await using var app = new UploadsApplication(
            new Dictionary<string, string?> { ["Uploads:UploadTtl"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        using var client = app.CreateApiClient();
        using var created = await client.TusCreateAsync(100);
        var path = created.Headers.Location!.AbsolutePath;
        clock.Advance(TimeSpan.FromMinutes(30));
        using var patched = await client.TusPatchAsync(path, 0, TestPayload.Bytes(10));
        clock.Advance(TimeSpan.FromMinutes(61));

        using var head = await client.TusHeadAsync(path);
        using var late = await client.TusPatchAsync(path, 10, TestPayload.Bytes(10));

        Assert.Equal("Sun, 22 Nov 2026 09:00:00 GMT", created.Header("Upload-Expires"));
        Assert.Equal("Sun, 22 Nov 2026 09:30:00 GMT", patched.Header("Upload-Expires"));
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        await late.AssertProblemAsync(HttpStatusCode.Gone, "upload_expired");
    }

    [Fact]
    public async Task V1ChunkToTusUpload_And_TusPatchToV1Upload_AreRefused()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);
        var v1Id = await client.CreateUploadAsync(100);

        using var chunk = await client.PutChunkAsync(IdOf(path), 0, TestPayload.Bytes(100));
        using var patch = await client.TusPatchAsync($"/files/{v1Id}", 0, TestPayload.Bytes(100));
        using var complete = await client.PostCompleteAsync(IdOf(path));

        await chunk.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
        await patch.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
        await complete.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
    }

    [Fact]
    public async Task Create_CountsTowardsTheActiveUploadLimit()
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Limits:MaxActiveUploadsPerTenant"] = "1" });
        using var client = app.CreateApiClient();
        await client.TusCreateOkAsync(100);

        using var response = await client.TusCreateAsync(100);

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_uploads");
    }
}
