using System.Net;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Requests as a hostile or broken client sends them, over a plain TCP connection to a real silo process (Kestrel
/// parses them, as in production): each gets a problem with a catalogue code, never a 500 or a bare status.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class HostileRequestTests : IClassFixture<HostileRequestTests.SharedSilo>
{
    private const string OverflowingChunkSize = "fffffffffffffffffff";

    private readonly SharedSilo _shared;

    public HostileRequestTests(SharedSilo shared)
    {
        _shared = shared;
    }

    private SiloProcess Silo => _shared.Silo;

    [Fact]
    public async Task Create_ChunkedBodyWithOverflowingChunkSize_Returns400Problem()
    {
        var response = await RawHttp.SendAsync(Silo.BaseAddress, RawHttp.Latin1(RawHttp.Text(
            $"{OverflowingChunkSize}\r\n{{}}\r\n0\r\n\r\n",
            "POST /v1/uploads HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", "Transfer-Encoding: chunked", "Connection: close")));

        AssertProblem(response, HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task TusPatch_ChunkedBodyWithOverflowingChunkSize_Returns400ProblemAndKeepsTheOffset()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/files/");
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", "100");
        using var created = await Silo.Client.SendAsync(create);
        var path = created.Headers.Location!.AbsolutePath;

        var response = await RawHttp.SendAsync(Silo.BaseAddress, RawHttp.Latin1(RawHttp.Text(
            $"{OverflowingChunkSize}\r\nabc\r\n0\r\n\r\n",
            $"PATCH {path} HTTP/1.1", "Host: 127.0.0.1", "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
            "Content-Type: application/offset+octet-stream", "Transfer-Encoding: chunked", "Connection: close")));

        AssertProblem(response, HttpStatusCode.BadRequest, "validation_error");
        using var head = new HttpRequestMessage(HttpMethod.Head, path);
        head.Headers.Add("Tus-Resumable", "1.0.0");
        using var offset = await Silo.Client.SendAsync(head);
        Assert.Equal("0", offset.Headers.GetValues("Upload-Offset").Single());
    }

    public static TheoryData<string, string, int, string> RefusedByKestrel => new()
    {
        { "a NUL in the path", RawHttp.Text("", "GET /v1/uploads/a%00b HTTP/1.1", "Host: 127.0.0.1"), 400, "validation_error" },
        { "a space in a header name", RawHttp.Text("", "GET /v1/uploads HTTP/1.1", "Host: 127.0.0.1", "Bad Name: v"), 400, "validation_error" },
        { "a request line that does not parse", RawHttp.Text("", "GET", "Host: 127.0.0.1"), 400, "validation_error" },
        { "a header line without a colon", RawHttp.Text("", "GET /v1/uploads HTTP/1.1", "Host: 127.0.0.1", "no colon here"), 400, "validation_error" },
        { "two Content-Length headers", RawHttp.Text("ab", "POST /v1/uploads HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 2", "Content-Length: 3"), 400, "validation_error" },
        { "a target over 8 KiB", RawHttp.Text("", $"GET /v1/uploads/{new string('a', 20_000)} HTTP/1.1", "Host: 127.0.0.1"), 414, "uri_too_long" },
        { "headers over 32 KiB", RawHttp.Text("", "GET /v1/uploads HTTP/1.1", "Host: 127.0.0.1", $"X-Big: {new string('a', 40_000)}"), 431, "headers_too_large" },
        { "over 100 headers", RawHttp.Text("", ["GET /v1/uploads HTTP/1.1", "Host: 127.0.0.1", .. Enumerable.Range(0, 120).Select(i => $"X-H{i}: v")]), 431, "headers_too_large" },
        { "an unknown HTTP version", RawHttp.Text("", "GET /v1/uploads HTTP/1.7", "Host: 127.0.0.1"), 505, "http_version_not_supported" },
    };

    [Theory]
    [MemberData(nameof(RefusedByKestrel))]
    public async Task Request_RefusedByKestrelBeforeAnyHandler_GetsProblemWithCode(string what, string request, int status, string code)
    {
        var response = await RawHttp.SendAsync(Silo.BaseAddress, RawHttp.Latin1(request));

        Assert.True(response.Status == status, $"{what}: expected {status}, got {response}");
        AssertProblem(response, (HttpStatusCode)status, code);
        Assert.Equal("close", response.Header("Connection"));
    }

    [Fact]
    public async Task KeptAliveConnection_GoodRequestThenRefusedOne_AnswersTheFirstUnchangedAndTheSecondWithProblem()
    {
        var request = RawHttp.Latin1(
            RawHttp.Text("", "GET /healthz/live HTTP/1.1", "Host: 127.0.0.1") +
            RawHttp.Text("", "GET /v1/uploads/a%00b HTTP/1.1", "Host: 127.0.0.1"));

        var raw = await RawHttp.SendForTextAsync(Silo.BaseAddress, request);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", raw, StringComparison.Ordinal);
        var second = raw.IndexOf("HTTP/1.1 400 Bad Request\r\n", StringComparison.Ordinal);
        Assert.True(second > 0, raw);
        Assert.Contains("Healthy", raw[..second], StringComparison.Ordinal);
        Assert.Contains("\"code\":\"validation_error\"", raw[second..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_UploadOverKestrel_AnswersHeadersWithoutBody()
    {
        var response = await RawHttp.SendAsync(Silo.BaseAddress, RawHttp.Latin1(RawHttp.Text("", "HEAD /v1/uploads HTTP/1.1", "Host: 127.0.0.1", "Connection: close")));

        Assert.Equal(200, response.Status);
        Assert.Equal("", response.Body);
    }

    private static void AssertProblem(RawHttpResponse response, HttpStatusCode status, string code)
    {
        Assert.True(response.Status == (int)status, $"Expected {(int)status}, got {response}");
        var problem = response.Problem();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    /// <summary>One silo process for all the tests of the class: none of them changes what another one sees.</summary>
    public sealed class SharedSilo : IAsyncLifetime
    {
        private readonly TemporaryDirectory _data = new();
        private SiloProcess? _silo;

        public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

        public async Task InitializeAsync() => _silo = await SiloProcess.StartAsync(_data.FullPath);

        public async Task DisposeAsync()
        {
            if (_silo is not null)
            {
                await _silo.DisposeAsync();
            }

            _data.Dispose();
        }
    }
}
