using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.AzureBlob;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>
/// The SDK's retries and timeouts as the stores configure them, and what the stores make of their outcome, against a
/// scripted loopback server: what Azurite cannot be made to do on cue.
/// </summary>
public sealed class AzureBlobResilienceTests
{
    private const string Key = "contract/records/r1";
    private const string Blob = "t/u1";
    private const string BlockId = "00000-0123456789abcdef0123456789abcdef";

    // Bounds for a failure that retries with the default options; generous, for a busy two-core machine.
    private static readonly TimeSpan s_unreachableBound = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Write_TransientStatusTwiceThenCreated_RetriesAndReturnsNewETag(int status)
    {
        await using var server = new LoopbackBlobServer((_, n) => n <= 2 ? ServerAction.Error(status, "ServerBusy") : Created("\"0x5\""));
        var client = CreateClient(server.ConnectionString);

        var etag = await StateStore(client).WriteAsync(Key, Encoding.UTF8.GetBytes("v1"), etag: null);

        Assert.Equal("0x5", etag);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, request => Assert.StartsWith("SharedKey devstoreaccount1:", request.Headers["Authorization"], StringComparison.Ordinal));
        Assert.All(server.Requests, request => Assert.Equal("v1", Encoding.UTF8.GetString(request.Body)));
    }

    [Fact]
    public async Task Read_ConnectionDroppedOnce_RetriesAndReadsRecord()
    {
        await using var server = new LoopbackBlobServer((_, n) => n == 1
            ? ServerAction.Drop()
            : ServerAction.Respond(200, new Dictionary<string, string> { ["ETag"] = "\"0x7\"" }, Encoding.UTF8.GetBytes("state")));
        var client = CreateClient(server.ConnectionString);

        var entry = await StateStore(client).ReadAsync(Key);

        Assert.NotNull(entry);
        Assert.Equal("state", Encoding.UTF8.GetString(entry.Data));
        Assert.Equal("0x7", entry.ETag);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task AnyOperation_ServiceKeepsFailing_FailsUnavailableAfterMaxRetriesPlusOneAttempts()
    {
        await using var server = new LoopbackBlobServer((_, _) => ServerAction.Error(503, "ServerBusy"));
        var client = CreateClient(server.ConnectionString, options => options.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<StorageException>(() => StateStore(client).ReadAsync(Key));

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.Contains("503 ServerBusy", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [InlineData(400, "InvalidHeaderValue")]
    [InlineData(403, "AuthenticationFailed")]
    [InlineData(404, "ContainerNotFound")]
    public async Task AnyOperation_FailureThatRetryingCannotMend_FailsUnavailableAtOnce(int status, string errorCode)
    {
        await using var server = new LoopbackBlobServer((_, _) => ServerAction.Error(status, errorCode));
        var client = CreateClient(server.ConnectionString);

        var error = await Assert.ThrowsAsync<StorageException>(() => StateStore(client).ReadAsync(Key));

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.Contains(errorCode, error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AnyOperation_ServiceNeverAnswers_TimesOutEachAttemptThenFailsUnavailable()
    {
        await using var server = new LoopbackBlobServer((_, _) => ServerAction.Stall());
        var client = CreateClient(server.ConnectionString, options =>
        {
            options.RequestTimeout = TimeSpan.FromMilliseconds(300);
            options.MaxRetries = 1;
        });

        var error = await Assert.ThrowsAsync<StorageException>(() => StateStore(client).ReadAsync(Key));

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.Contains("no answer in time", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task AnyOperation_NothingListens_FailsUnavailableWithinSecondsWithDefaultOptions()
    {
        var client = CreateClient(ConnectionStringFor(GetClosedLoopbackPort()));
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<StorageException>(() => StateStore(client).WriteAsync(Key, Encoding.UTF8.GetBytes("v1"), etag: null));

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, s_unreachableBound);
    }

    [Fact]
    public async Task StageBlock_NothingListens_RetriesWithoutReadingAStreamThatCannotSeek()
    {
        var client = CreateClient(ConnectionStringFor(GetClosedLoopbackPort()), options => options.RetryBaseDelay = TimeSpan.FromMilliseconds(1));
        var content = new GatedStream(new byte[100], gateAt: 100);

        var error = await Assert.ThrowsAsync<StorageException>(() => BlockStore(client).StageBlockAsync(Blob, BlockId, content, 100));

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.Contains("4 attempt(s)", error.Message, StringComparison.Ordinal);
        Assert.False(content.Reached.IsCompleted);
    }

    [Fact]
    public async Task StageBlock_FailsAfterBodyOfStreamThatCannotSeek_FailsUnavailableWithoutRetry()
    {
        await using var server = new LoopbackBlobServer((_, n) => n == 1 ? ServerAction.Error(503, "ServerBusy") : Created("\"0x1\""));
        var client = CreateClient(server.ConnectionString);
        var bytes = Encoding.UTF8.GetBytes("chunk bytes");
        var content = new GatedStream(bytes, gateAt: bytes.Length);
        content.Open();

        var error = await Assert.ThrowsAsync<StorageException>(() => BlockStore(client).StageBlockAsync(Blob, BlockId, content, bytes.Length));

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.Equal(bytes, Assert.Single(server.Requests).Body);
    }

    [Fact]
    public async Task StageBlock_FailsAfterBodyOfSeekableStream_SendsWholeBodyAgain()
    {
        await using var server = new LoopbackBlobServer((_, n) => n == 1 ? ServerAction.Drop() : Created("\"0x1\""));
        var client = CreateClient(server.ConnectionString);
        var bytes = Encoding.UTF8.GetBytes("chunk bytes");

        await BlockStore(client).StageBlockAsync(Blob, BlockId, new MemoryStream(bytes), bytes.Length);

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, request => Assert.Equal(bytes, request.Body));
        Assert.All(server.Requests, request => Assert.Contains("comp=block&blockid=MDAwMDAtMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY%3D", request.Target, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StageBlock_DeclaredMd5_SentAsContentMd5()
    {
        await using var server = new LoopbackBlobServer((_, _) => Created("\"0x1\""));
        var client = CreateClient(server.ConnectionString);
        var bytes = Encoding.UTF8.GetBytes("chunk bytes");
        var md5 = System.Security.Cryptography.MD5.HashData(bytes);

        await BlockStore(client).StageBlockAsync(Blob, BlockId, new MemoryStream(bytes), bytes.Length, md5);

        Assert.Equal(Convert.ToBase64String(md5), Assert.Single(server.Requests).Headers["Content-MD5"]);
    }

    [Fact]
    public async Task Write_FirstAttemptTookEffectButItsAnswerWasLost_ReturnsETagOfOwnWrite()
    {
        string? writeId = null;
        await using var server = new LoopbackBlobServer((request, n) =>
        {
            switch (n)
            {
                case 1:
                    writeId = request.Headers["x-ms-meta-writeid"];
                    return ServerAction.Drop();
                case 2:
                    return ServerAction.Error(409, "BlobAlreadyExists");
                default:
                    return ServerAction.Respond(200, new Dictionary<string, string> { ["ETag"] = "\"0x9\"", ["x-ms-meta-writeid"] = writeId!, ["Content-Length"] = "2" });
            }
        });
        var client = CreateClient(server.ConnectionString);

        var etag = await StateStore(client).WriteAsync(Key, Encoding.UTF8.GetBytes("v1"), etag: null);

        Assert.Equal("0x9", etag);
        Assert.Equal(["PUT", "PUT", "HEAD"], server.Requests.Select(request => request.Method));
    }

    [Fact]
    public async Task Write_UncertainAttemptThenAnotherWritersRecord_ThrowsConflict()
    {
        await using var server = new LoopbackBlobServer((_, n) => n switch
        {
            1 => ServerAction.Drop(),
            2 => ServerAction.Error(412, "ConditionNotMet"),
            _ => ServerAction.Respond(200, new Dictionary<string, string> { ["ETag"] = "\"0x9\"", ["x-ms-meta-writeid"] = "someone-else", ["Content-Length"] = "2" }),
        });
        var client = CreateClient(server.ConnectionString);

        var error = await Assert.ThrowsAsync<StorageException>(() => StateStore(client).WriteAsync(Key, Encoding.UTF8.GetBytes("v2"), "0x8"));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Equal("\"0x8\"", server.Requests[0].Headers["If-Match"]);
    }

    [Fact]
    public async Task Delete_ConditionalRetriedAfterAnAttemptThatMayHaveTakenEffectFindsNothing_Succeeds()
    {
        // A 500 may come after the service carried the request out.
        await using var server = new LoopbackBlobServer((_, n) => n == 1 ? ServerAction.Error(500, "InternalError") : ServerAction.Error(404, "BlobNotFound"));
        var client = CreateClient(server.ConnectionString);

        await StateStore(client).DeleteAsync(Key, "0x8");

        Assert.Equal(["DELETE", "DELETE"], server.Requests.Select(request => request.Method));
        Assert.All(server.Requests, request => Assert.Equal("\"0x8\"", request.Headers["If-Match"]));
    }

    [Fact]
    public async Task Delete_ConditionalFirstAttemptFindsNothing_ThrowsConflict()
    {
        await using var server = new LoopbackBlobServer((_, _) => ServerAction.Error(404, "BlobNotFound"));
        var client = CreateClient(server.ConnectionString);

        var error = await Assert.ThrowsAsync<StorageException>(() => StateStore(client).DeleteAsync(Key, "0x8"));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task StageBlock_ServiceTakesTheBodyButNeverAnswers_FailsUnavailableAfterRequestTimeoutWithoutRetry()
    {
        await using var server = new LoopbackBlobServer((_, _) => ServerAction.Stall());
        var client = CreateClient(server.ConnectionString, options => options.RequestTimeout = TimeSpan.FromMilliseconds(300));
        var bytes = Encoding.UTF8.GetBytes("chunk bytes");
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<StorageException>(() => BlockStore(client).StageBlockAsync(Blob, BlockId, new MemoryStream(bytes), bytes.Length));

        Assert.Equal(StorageErrorCode.Unavailable, error.Code);
        Assert.Contains("within 0.3 s", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, s_unreachableBound);
    }

    [Fact]
    public async Task Write_CreateOnly_SendsIfNoneMatchStar()
    {
        await using var server = new LoopbackBlobServer((_, _) => Created("\"0x1\""));
        var client = CreateClient(server.ConnectionString);

        await StateStore(client).WriteAsync(Key, Encoding.UTF8.GetBytes("v1"), etag: null);

        var request = Assert.Single(server.Requests);
        Assert.Equal("*", request.Headers["If-None-Match"]);
        Assert.Equal("BlockBlob", request.Headers["x-ms-blob-type"]);
        Assert.Equal("2026-06-06", request.Headers["x-ms-version"]);
    }

    private static ServerAction Created(string etag) => ServerAction.Respond(201, new Dictionary<string, string> { ["ETag"] = etag });

    private static AzureBlobConnection CreateClient(string connectionString, Action<AzureBlobStorageOptions>? configure = null)
    {
        var options = new AzureBlobStorageOptions { ConnectionString = connectionString, RetryBaseDelay = TimeSpan.FromMilliseconds(10) };
        configure?.Invoke(options);
        return AzureBlobConnection.Create(options, credential: null);
    }

    private static AzureBlobGrainStateStore StateStore(AzureBlobConnection connection) =>
        new(connection, NullLogger<AzureBlobGrainStateStore>.Instance);

    private static AzureBlobBlockStore BlockStore(AzureBlobConnection connection) =>
        new(connection, TimeProvider.System, NullLogger<AzureBlobBlockStore>.Instance);

    private static string ConnectionStringFor(int port) =>
        $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;AccountName=devstoreaccount1;AccountKey={Uploads.Testing.AzuriteProcess.AccountKey}";

    // A port that was just free: connections to it are refused.
    private static int GetClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
