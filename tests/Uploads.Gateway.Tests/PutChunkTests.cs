using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Gateway.Tests.Infrastructure;
using Uploads.Testing;

namespace Uploads.Gateway.Tests;

public sealed class PutChunkTests
{
    private const int ChunkSize = UploadsClientExtensions.MinChunkSize;

    // Three chunks: two whole ones and a last one of 100 bytes.
    private const int FileSize = (2 * ChunkSize) + 100;

    [Fact]
    public async Task PutChunk_ValidChunk_Returns200WithResourceAndReceipt()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);
        var chunk = TestPayload.Bytes(ChunkSize);

        var upload = await client.PutChunkOkAsync(uploadId, 1, chunk);

        Assert.Equal(uploadId, upload.GetProperty("uploadId").GetString());
        Assert.Equal("uploading", upload.GetProperty("state").GetString());
        Assert.Equal("[[1,1]]", upload.GetProperty("receivedChunks").GetRawText());
        Assert.Equal(1, upload.GetProperty("receivedChunkCount").GetInt32());
        Assert.Equal(ChunkSize, upload.GetProperty("receivedBytes").GetInt64());
        Assert.Equal(0, upload.GetProperty("nextChunkIndex").GetInt32());
        var receipt = upload.GetProperty("chunk");
        Assert.Equal(1, receipt.GetProperty("index").GetInt32());
        Assert.Equal(ChunkSize, receipt.GetProperty("size").GetInt64());
        Assert.Equal(TestPayload.Sha256Base64(chunk), receipt.GetProperty("sha256").GetString());
        Assert.False(receipt.GetProperty("replaced").GetBoolean());
    }

    [Fact]
    public async Task PutChunk_LastChunkWithRemainderLength_IsAccepted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);

        var upload = await client.PutChunkOkAsync(uploadId, 2, TestPayload.Bytes(100));

        Assert.Equal(100, upload.GetProperty("chunk").GetProperty("size").GetInt64());
        Assert.Equal(100, upload.GetProperty("receivedBytes").GetInt64());
        Assert.Equal("[[2,2]]", upload.GetProperty("receivedChunks").GetRawText());
    }

    [Fact]
    public async Task PutChunk_SentAgain_ReplacesAndCountsLatestCopyOnce()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize, seed: 1);
        var uploadId = await client.CreateUploadAsync(FileSize);
        await client.PutAllChunksAsync(uploadId, file);
        var replacement = TestPayload.Bytes(ChunkSize, seed: 2);

        var upload = await client.PutChunkOkAsync(uploadId, 0, replacement);

        var receipt = upload.GetProperty("chunk");
        Assert.True(receipt.GetProperty("replaced").GetBoolean());
        Assert.Equal(TestPayload.Sha256Base64(replacement), receipt.GetProperty("sha256").GetString());
        Assert.Equal(3, upload.GetProperty("receivedChunkCount").GetInt32());
        Assert.Equal(FileSize, upload.GetProperty("receivedBytes").GetInt64());
        Assert.Equal("[[0,2]]", upload.GetProperty("receivedChunks").GetRawText());

        await client.CompleteAsync(uploadId);
        var content = await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content");
        Assert.Equal([.. replacement, .. file[ChunkSize..]], content);
    }

    [Fact]
    public async Task PutChunk_AllChunksInParallel_AllRecorded()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes((7 * ChunkSize) + 9);
        var chunks = TestPayload.Chunks(file, ChunkSize);
        var uploadId = await client.CreateUploadAsync(file.Length);

        await Task.WhenAll(chunks.Select((chunk, index) => client.PutChunkOkAsync(uploadId, index, chunk)));

        var upload = await client.GetUploadAsync(uploadId);
        Assert.Equal("[[0,7]]", upload.GetProperty("receivedChunks").GetRawText());
        Assert.Equal(8, upload.GetProperty("receivedChunkCount").GetInt32());
        Assert.Equal(file.Length, upload.GetProperty("receivedBytes").GetInt64());
        await client.CompleteAsync(uploadId);
        Assert.Equal(file, await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content"));
    }

    [Fact]
    public async Task PutChunk_SameChunkCopiesInParallel_OneWholeCopyCountedOnce()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var copies = Enumerable.Range(1, 8).Select(seed => TestPayload.Bytes(ChunkSize, seed)).ToArray();
        var uploadId = await client.CreateUploadAsync(ChunkSize);

        var answers = await Task.WhenAll(copies.Select(copy => client.PutChunkOkAsync(uploadId, 0, copy)));

        Assert.Single(answers, answer => !answer.GetProperty("chunk").GetProperty("replaced").GetBoolean());
        Assert.All(answers, answer => Assert.Equal(ChunkSize, answer.GetProperty("receivedBytes").GetInt64()));
        var upload = await client.GetUploadAsync(uploadId);
        Assert.Equal(1, upload.GetProperty("receivedChunkCount").GetInt32());
        Assert.Equal(ChunkSize, upload.GetProperty("receivedBytes").GetInt64());
        await client.CompleteAsync(uploadId);
        var content = await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content");
        Assert.Contains(copies, copy => copy.AsSpan().SequenceEqual(content));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task PutChunk_MatchingDigests_AreAccepted(bool contentDigest, bool contentMd5)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);
        var chunk = TestPayload.Bytes(ChunkSize);

        var upload = await client.PutChunkOkAsync(uploadId, 0, chunk, headers =>
        {
            if (contentDigest)
            {
                headers.Add("Content-Digest", TestPayload.ContentDigest(chunk));
            }

            if (contentMd5)
            {
                headers.Add("Content-MD5", TestPayload.Md5Base64(chunk));
            }
        });

        Assert.Equal(TestPayload.Sha256Base64(chunk), upload.GetProperty("chunk").GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task PutChunk_ContentDigestWithOtherAlgorithmsToo_ChecksSha256()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);
        var chunk = TestPayload.Bytes(ChunkSize);

        var upload = await client.PutChunkOkAsync(uploadId, 0, chunk, headers =>
            headers.Add("Content-Digest", $"sha-512=:{Convert.ToBase64String(new byte[64])}:, {TestPayload.ContentDigest(chunk)}"));

        Assert.Equal(1, upload.GetProperty("receivedChunkCount").GetInt32());
    }

    [Theory]
    [InlineData("Content-Digest")]
    [InlineData("Content-MD5")]
    public async Task PutChunk_DigestMismatch_Returns400AndKeepsEarlierCopy(string header)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize, seed: 1);
        var uploadId = await client.CreateUploadAsync(FileSize);
        await client.PutAllChunksAsync(uploadId, file);
        var before = await client.GetUploadAsync(uploadId);
        var other = TestPayload.Bytes(ChunkSize, seed: 2);
        var digest = header == "Content-MD5" ? TestPayload.Md5Base64(file.AsSpan(0, ChunkSize)) : TestPayload.ContentDigest(file.AsSpan(0, ChunkSize));

        using var response = await client.PutChunkAsync(uploadId, 0, other, headers => headers.Add(header, digest));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "digest_mismatch");
        Assert.Equal(before.GetRawText(), (await client.GetUploadAsync(uploadId)).GetRawText());
        await client.CompleteAsync(uploadId);
        Assert.Equal(file, await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content"));
    }

    [Fact]
    public async Task PutChunk_DigestMismatchOnFirstCopy_RecordsNothing()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);
        var chunk = TestPayload.Bytes(ChunkSize);

        using var response = await client.PutChunkAsync(uploadId, 0, chunk, headers => headers.Add("Content-Digest", TestPayload.ContentDigest(new byte[1])));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "digest_mismatch");
        var upload = await client.GetUploadAsync(uploadId);
        Assert.Equal("created", upload.GetProperty("state").GetString());
        Assert.Equal(0, upload.GetProperty("receivedChunkCount").GetInt32());
    }

    [Theory]
    [InlineData("Content-Digest", "sha-256=abc")]
    [InlineData("Content-Digest", "sha-256=:not base64!:")]
    [InlineData("Content-Digest", "sha-256=:AAAA:")]
    [InlineData("Content-Digest", "sha-256")]
    [InlineData("Content-Digest", "=:AAAA:")]
    [InlineData("Content-MD5", "not base64!")]
    [InlineData("Content-MD5", "AAAA")]
    public async Task PutChunk_MalformedDigestHeader_Returns400ValidationError(string header, string value)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);

        using var response = await client.PutChunkAsync(uploadId, 0, TestPayload.Bytes(ChunkSize), headers => headers.TryAddWithoutValidation(header, value));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(0, (await client.GetUploadAsync(uploadId)).GetProperty("receivedChunkCount").GetInt32());
    }

    [Theory]
    [InlineData("3")]
    [InlineData("4")]
    [InlineData("1000000")]
    [InlineData("99999999999")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("0x1")]
    [InlineData("+1")]
    public async Task PutChunk_IndexOutOfRangeOrNotANumber_Returns400InvalidChunk(string index)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);

        using var response = await client.PutChunkAsync(uploadId, index, new ByteArrayContent(TestPayload.Bytes(100)));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_chunk");
    }

    [Fact]
    public async Task PutChunk_EmptyUpload_Returns400InvalidChunk()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(0);

        using var response = await client.PutChunkAsync(uploadId, 0, TestPayload.Bytes(1));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_chunk");
    }

    [Theory]
    [InlineData(0, ChunkSize - 1)]
    [InlineData(0, ChunkSize + 1)]
    [InlineData(1, 100)]
    [InlineData(1, 0)]
    [InlineData(2, ChunkSize)]
    [InlineData(2, 99)]
    [InlineData(2, 101)]
    [InlineData(2, 0)]
    public async Task PutChunk_WrongLengthForIndex_Returns400ChunkSizeMismatch(int index, int length)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);

        using var response = await client.PutChunkAsync(uploadId, index, TestPayload.Bytes(length));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "chunk_size_mismatch");
        Assert.Equal(0, (await client.GetUploadAsync(uploadId)).GetProperty("receivedChunkCount").GetInt32());
    }

    [Fact]
    public async Task PutChunk_NoContentLength_Returns411LengthRequired()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);

        using var response = await client.PutChunkAsync(uploadId, "0", new UnknownLengthContent(TestPayload.Bytes(ChunkSize)));

        await response.AssertProblemAsync(HttpStatusCode.LengthRequired, "length_required");
    }

    [Fact]
    public async Task PutChunk_AboveMaxChunkSize_Returns413PayloadTooLarge()
    {
        await using var app = new UploadsApplication(new Dictionary<string, string?>
        {
            ["Uploads:Limits:MinChunkSize"] = "65536",
            ["Uploads:Limits:MaxChunkSize"] = "131072",
            ["Uploads:Limits:DefaultChunkSize"] = "131072",
            ["Uploads:Limits:MaxUploadBytes"] = "1073741824",
        });
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(1024 * 1024, chunkSize: 131_072);

        using var response = await client.PutChunkAsync(uploadId, 0, TestPayload.Bytes(131_073));
        using var accepted = await client.PutChunkAsync(uploadId, 0, TestPayload.Bytes(131_072));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await accepted.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("no-such-upload")]
    [InlineData("bad!id")]
    public async Task PutChunk_UnknownUpload_Returns404NotFound(string uploadId)
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();

        using var response = await client.PutChunkAsync(uploadId, 0, TestPayload.Bytes(100));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task PutChunk_AfterComplete_Returns409InvalidState()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var file = TestPayload.Bytes(FileSize);
        var uploadId = await client.CreateUploadAsync(FileSize);
        await client.PutAllChunksAsync(uploadId, file);
        await client.CompleteAsync(uploadId);

        using var response = await client.PutChunkAsync(uploadId, 0, TestPayload.Bytes(ChunkSize, seed: 2));

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invalid_state");
        Assert.Equal(file, await client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content"));
    }

    [Fact]
    public async Task PutChunk_AfterAbort_Returns410UploadAborted()
    {
        await using var app = new UploadsApplication();
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);
        await client.PutChunkOkAsync(uploadId, 0, TestPayload.Bytes(ChunkSize));
        using var aborted = await client.DeleteAsync($"/v1/uploads/{uploadId}");
        await aborted.AssertStatusAsync(HttpStatusCode.NoContent);

        using var response = await client.PutChunkAsync(uploadId, 1, TestPayload.Bytes(ChunkSize));

        await response.AssertProblemAsync(HttpStatusCode.Gone, "upload_aborted");
    }

    [Fact]
    public async Task PutChunk_AfterExpiry_Returns410UploadExpiredAndStatusShowsExpired()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        await using var app = new UploadsApplication(
            new Dictionary<string, string?> { ["Uploads:UploadTtl"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);
        clock.Advance(TimeSpan.FromMinutes(50));
        var uploading = await client.PutChunkOkAsync(uploadId, 0, TestPayload.Bytes(ChunkSize));
        clock.Advance(TimeSpan.FromMinutes(50));
        await client.PutChunkOkAsync(uploadId, 1, TestPayload.Bytes(ChunkSize));
        clock.Advance(TimeSpan.FromMinutes(61));

        using var response = await client.PutChunkAsync(uploadId, 2, TestPayload.Bytes(100));

        Assert.Equal("2026-11-22T09:50:00Z", uploading.GetProperty("expiresAt").GetString());
        await response.AssertProblemAsync(HttpStatusCode.Gone, "upload_expired");
        var upload = await client.GetUploadAsync(uploadId);
        Assert.Equal("expired", upload.GetProperty("state").GetString());
        Assert.False(upload.GetProperty("complete").GetBoolean());
        Assert.Equal(JsonValueKind.Null, upload.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task PutChunk_JustBeforeExpiry_IsAcceptedAndExtendsTheDeadline()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        await using var app = new UploadsApplication(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        using var client = app.CreateApiClient();
        var uploadId = await client.CreateUploadAsync(FileSize);
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));

        var upload = await client.PutChunkOkAsync(uploadId, 0, TestPayload.Bytes(ChunkSize));

        Assert.Equal("uploading", upload.GetProperty("state").GetString());
        Assert.Equal("2026-11-23T07:59:59Z", upload.GetProperty("updatedAt").GetString());
        Assert.Equal("2026-11-24T07:59:59Z", upload.GetProperty("expiresAt").GetString());
    }
}
