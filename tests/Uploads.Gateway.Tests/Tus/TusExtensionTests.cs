using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Uploads.Gateway.Tests.Infrastructure;
using static Uploads.Gateway.Tests.Infrastructure.TusClientExtensions;

namespace Uploads.Gateway.Tests.Tus;

public sealed class TusExtensionTests
{
    public static TheoryData<string, Func<byte[], byte[]>> Algorithms => new()
    {
        { "sha1", SHA1.HashData },
        { "sha256", SHA256.HashData },
        { "sha512", SHA512.HashData },
        { "md5", MD5.HashData },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Checksum_Matching_IsAppended(string algorithm, Func<byte[], byte[]> hash)
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Limits:DefaultChunkSize"] = "65536" });
        using var client = app.CreateApiClient();
        var body = TestPayload.Bytes(150_000);
        var path = await client.TusCreateOkAsync(body.Length);

        var offset = await client.TusPatchOkAsync(path, 0, body, ("Upload-Checksum", $"{algorithm} {Convert.ToBase64String(hash(body))}"));

        Assert.Equal(body.Length, offset);
        Assert.Equal(body, await client.GetByteArrayAsync(path));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Checksum_Mismatch_Is460AndTheOffsetIsUnchanged(string algorithm, Func<byte[], byte[]> hash)
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Limits:DefaultChunkSize"] = "65536" });
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(300_000);
        await client.TusPatchOkAsync(path, 0, TestPayload.Bytes(1000, seed: 1));
        var body = TestPayload.Bytes(150_000, seed: 2);
        var wrong = hash(TestPayload.Bytes(150_000, seed: 3));

        using var response = await client.TusPatchAsync(path, 1000, body, ("Upload-Checksum", $"{algorithm} {Convert.ToBase64String(wrong)}"));

        await response.AssertProblemAsync((HttpStatusCode)460, "checksum_mismatch");
        Assert.Equal(1000, await client.TusOffsetAsync(path));
        Assert.Equal(1, (await client.GetUploadAsync(IdOf(path))).GetProperty("chunkCount").GetInt32());
    }

    [Theory]
    [InlineData("crc32 AAAAAA==")]
    [InlineData("sha1")]
    [InlineData("sha1 not-base64")]
    [InlineData("sha256 qUqP5cyxm6YcTAhz05Hph5gvu9M=")]
    public async Task Checksum_UnsupportedOrMalformed_Is400(string header)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);

        using var response = await client.TusPatchAsync(path, 0, TestPayload.Bytes(10), ("Upload-Checksum", header));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(0, await client.TusOffsetAsync(path));
    }

    [Fact]
    public async Task CreationWithUpload_BodyIsTheFirstAppend()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(5000);
        using var request = TusRequest(HttpMethod.Post, "/files/", ("Upload-Length", "5000"));
        request.Content = new ByteArrayContent(file[..3000]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(OffsetOctetStream);

        using var response = await client.SendAsync(request);

        await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("3000", response.Header("Upload-Offset"));
        var path = response.Headers.Location!.AbsolutePath;
        await client.TusPatchOkAsync(path, 3000, file[3000..]);
        Assert.Equal(file, await client.GetByteArrayAsync(path));
    }

    [Fact]
    public async Task CreationWithUpload_WholeFileWithChecksum_IsCompleted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(5000);
        using var request = TusRequest(HttpMethod.Post, "/files/", ("Upload-Length", "5000"), ("Upload-Checksum", $"sha1 {Convert.ToBase64String(SHA1.HashData(file))}"));
        request.Content = new ByteArrayContent(file);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(OffsetOctetStream);

        using var response = await client.SendAsync(request);

        await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("completed", (await client.GetUploadAsync(IdOf(response.Headers.Location!.AbsolutePath))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task CreationWithUpload_BodyOfAnotherType_Is415AndCreatesNothing()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        using var request = TusRequest(HttpMethod.Post, "/files/", ("Upload-Length", "100"));
        request.Content = new ByteArrayContent(TestPayload.Bytes(100));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var list = await (await client.GetAsync("/v1/uploads")).ReadJsonAsync();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task DeferLength_LengthDeclaredByALaterPatch_CompletesTheUpload()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(4000);
        var path = await client.TusCreateOkAsync(length: null);
        await client.TusPatchOkAsync(path, 0, file[..1500]);

        using var head = await client.TusHeadAsync(path);
        var pending = await client.GetUploadAsync(IdOf(path));
        var offset = await client.TusPatchOkAsync(path, 1500, file[1500..], ("Upload-Length", "4000"));

        Assert.Equal("1", head.Header("Upload-Defer-Length"));
        Assert.Null(head.Header("Upload-Length"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pending.GetProperty("size").ValueKind);
        Assert.Equal(1500, pending.GetProperty("receivedBytes").GetInt64());
        Assert.Equal(4000, offset);
        var upload = await client.GetUploadAsync(IdOf(path));
        Assert.Equal("completed", upload.GetProperty("state").GetString());
        Assert.Equal(4000, upload.GetProperty("size").GetInt64());
        Assert.Equal(file, await client.GetByteArrayAsync(path));
    }

    [Fact]
    public async Task DeferLength_DeclaredByAnEmptyPatchAtTheEnd_CompletesTheUpload()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(2000);
        var path = await client.TusCreateOkAsync(length: null);
        await client.TusPatchOkAsync(path, 0, file);

        await client.TusPatchOkAsync(path, 2000, [], ("Upload-Length", "2000"));

        Assert.Equal("completed", (await client.GetUploadAsync(IdOf(path))).GetProperty("state").GetString());
        Assert.Equal(file, await client.GetByteArrayAsync(path));
    }

    [Theory]
    [InlineData(999)]
    [InlineData(-1)]
    public async Task DeferLength_DeclaredBelowTheOffset_Is400AndStaysDeferred(long length)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(length: null);
        await client.TusPatchOkAsync(path, 0, TestPayload.Bytes(1000));

        using var response = await client.TusPatchAsync(path, 1000, [], ("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        using var head = await client.TusHeadAsync(path);
        Assert.Equal("1", head.Header("Upload-Defer-Length"));
    }

    [Fact]
    public async Task Patch_ChangingADeclaredLength_Is400()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var path = await client.TusCreateOkAsync(100);

        using var response = await client.TusPatchAsync(path, 0, TestPayload.Bytes(10), ("Upload-Length", "200"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(0, await client.TusOffsetAsync(path));
    }

    [Fact]
    public async Task Concatenation_FinalUploadIsItsPartialsInOrder()
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?> { ["Uploads:Limits:DefaultChunkSize"] = "65536" });
        using var client = app.CreateApiClient();
        var first = TestPayload.Bytes(150_000, seed: 1);
        var second = TestPayload.Bytes(70_000, seed: 2);
        var firstPath = await client.TusCreateOkAsync(first.Length, headers: ("Upload-Concat", "partial"));
        var secondPath = await client.TusCreateOkAsync(second.Length, headers: ("Upload-Concat", "partial"));
        await client.TusPatchOkAsync(secondPath, 0, second);
        await client.TusPatchOkAsync(firstPath, 0, first);

        using var created = await client.SendAsync(TusRequest(
            HttpMethod.Post,
            "/files/",
            ("Upload-Concat", $"final;{firstPath} http://localhost{secondPath}"),
            ("Upload-Metadata", Metadata(("filename", "whole.bin")))));

        await created.AssertStatusAsync(HttpStatusCode.Created);
        var finalPath = created.Headers.Location!.AbsolutePath;
        using var head = await client.TusHeadAsync(finalPath);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal($"final;{firstPath} {secondPath}", head.Header("Upload-Concat"));
        Assert.Equal("220000", head.Header("Upload-Length"));
        Assert.Equal("220000", head.Header("Upload-Offset"));
        using var partialHead = await client.TusHeadAsync(firstPath);
        Assert.Equal("partial", partialHead.Header("Upload-Concat"));
        var upload = await client.GetUploadAsync(IdOf(finalPath));
        Assert.Equal("completed", upload.GetProperty("state").GetString());
        Assert.Equal("whole.bin", upload.GetProperty("fileName").GetString());
        Assert.Equal(TestPayload.ChunksSha256([.. TestPayload.Chunks(first, 65536), .. TestPayload.Chunks(second, 65536)]), upload.GetProperty("result").GetProperty("chunksSha256").GetString());
        var content = await client.GetByteArrayAsync(finalPath);
        Assert.Equal(first.Concat(second).ToArray(), content);
    }

    [Fact]
    public async Task Concatenation_PatchToTheFinalUpload_Is403()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var partial = await client.TusCreateOkAsync(10, headers: ("Upload-Concat", "partial"));
        await client.TusPatchOkAsync(partial, 0, TestPayload.Bytes(10));
        var final = await client.TusCreateFinalAsync(partial);

        using var response = await client.TusPatchAsync(final, 10, TestPayload.Bytes(1));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "final_upload");
    }

    [Fact]
    public async Task Concatenation_WithAnUnfinishedPartial_Is400()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var done = await client.TusCreateOkAsync(10, headers: ("Upload-Concat", "partial"));
        await client.TusPatchOkAsync(done, 0, TestPayload.Bytes(10));
        var unfinished = await client.TusCreateOkAsync(10, headers: ("Upload-Concat", "partial"));
        await client.TusPatchOkAsync(unfinished, 0, TestPayload.Bytes(5));

        using var response = await client.SendAsync(TusRequest(HttpMethod.Post, "/files/", ("Upload-Concat", $"final;{done} {unfinished}")));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Theory]
    [InlineData("not partial")]
    [InlineData("unknown")]
    [InlineData("with length")]
    public async Task Concatenation_WithWhatIsNotACompletedPartial_Is400(string kind)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var whole = await client.TusCreateOkAsync(10);
        await client.TusPatchOkAsync(whole, 0, TestPayload.Bytes(10));
        var partial = await client.TusCreateOkAsync(10, headers: ("Upload-Concat", "partial"));
        await client.TusPatchOkAsync(partial, 0, TestPayload.Bytes(10));
        (string, string)[] headers = kind switch
        {
            "not partial" => [("Upload-Concat", $"final;{partial} {whole}")],
            "unknown" => [("Upload-Concat", $"final;{partial} /files/01JD3W7K2Q0M8Z5X9C4V6B1N2T")],
            _ => [("Upload-Concat", $"final;{partial}"), ("Upload-Length", "10")],
        };

        using var response = await client.SendAsync(TusRequest(HttpMethod.Post, "/files/", headers));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }
}
