using System.Net;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Requests as a hostile or broken client sends them, over a plain TCP connection to a real silo process (Kestrel
/// parses them, as in production): each gets a problem with a catalogue code, never a 500 or a bare status.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class HostileRequestTests : IAsyncLifetime
{
    private const string OverflowingChunkSize = "fffffffffffffffffff";

    private readonly TemporaryDirectory _data = new();
    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    public async Task InitializeAsync() => _silo = await SiloProcess.StartAsync(_data.FullPath);

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _data.Dispose();
    }

    [Fact]
    public async Task Create_ChunkedBodyWithOverflowingChunkSize_Returns400Problem()
    {
        var response = await RawHttp.SendAsync(Silo.BaseAddress, RawHttp.Request(
            $"{OverflowingChunkSize}\r\n{{}}\r\n0\r\n\r\n",
            "POST /v1/uploads HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", "Transfer-Encoding: chunked", "Connection: close"));

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

        var response = await RawHttp.SendAsync(Silo.BaseAddress, RawHttp.Request(
            $"{OverflowingChunkSize}\r\nabc\r\n0\r\n\r\n",
            $"PATCH {path} HTTP/1.1", "Host: 127.0.0.1", "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
            "Content-Type: application/offset+octet-stream", "Transfer-Encoding: chunked", "Connection: close"));

        AssertProblem(response, HttpStatusCode.BadRequest, "validation_error");
        using var head = new HttpRequestMessage(HttpMethod.Head, path);
        head.Headers.Add("Tus-Resumable", "1.0.0");
        using var offset = await Silo.Client.SendAsync(head);
        Assert.Equal("0", offset.Headers.GetValues("Upload-Offset").Single());
    }

    [Fact]
    public async Task Head_UploadOverKestrel_AnswersHeadersWithoutBody()
    {
        var response = await RawHttp.SendAsync(Silo.BaseAddress, RawHttp.Request("", "HEAD /v1/uploads HTTP/1.1", "Host: 127.0.0.1", "Connection: close"));

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
}
