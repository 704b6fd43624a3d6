using System.Text.Json;
using Uploads.Testing;

namespace Uploads.Client.Tests;

/// <summary>
/// The <c>uploads</c> tool as a user's script runs it: real processes against a real silo process, judged by their
/// exit codes and output. Output goes to pipes, so the tool writes plain text, or JSON with <c>--json</c>.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class CliTests
{
    private const int ChunkSize = TestFiles.MinChunkSize;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task PutStatusGet_Json_RoundTripTheFileWithExitCodeZero()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("cli.bin");
        var content = TestFiles.WriteRandom(path, (12 * ChunkSize) + 99);
        var server = fixture.Endpoint.AbsoluteUri;

        var put = await RunAsync(fixture, ["put", path, "--server", server, "--json", "--parallel", "3", "--chunk-size", "64K"], cancellationToken);
        Assert.True(put.ExitCode == 0, put.ToString());
        using var putJson = JsonDocument.Parse(put.StandardOutput);
        var uploadId = putJson.RootElement.GetProperty("uploadId").GetString()!;
        Assert.Equal("completed", putJson.RootElement.GetProperty("state").GetString());
        Assert.Equal(13, putJson.RootElement.GetProperty("chunkCount").GetInt32());
        Assert.Equal(TestFiles.ChunksSha256(content, ChunkSize), putJson.RootElement.GetProperty("result").GetProperty("chunksSha256").GetString());

        var status = await RunAsync(fixture, ["status", uploadId, "--server", server, "--json"], cancellationToken);
        Assert.True(status.ExitCode == 0, status.ToString());
        using var statusJson = JsonDocument.Parse(status.StandardOutput);
        Assert.Equal("completed", statusJson.RootElement.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Array, statusJson.RootElement.GetProperty("receivedChunks")[0].ValueKind);

        var copy = fixture.PathOf("copy.bin");
        var get = await RunAsync(fixture, ["get", uploadId, "-o", copy, "--server", server], cancellationToken);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(content, await File.ReadAllBytesAsync(copy, cancellationToken));
        Assert.Contains("verified", get.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutLsStatus_NotATerminal_WritePlainTextWithoutEscapes()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("plain.bin");
        TestFiles.WriteRandom(path, 5 * ChunkSize);
        var server = fixture.Endpoint.AbsoluteUri;

        var put = await RunAsync(fixture, ["put", path, "-s", server, "-c", "64K"], cancellationToken);
        var ls = await RunAsync(fixture, ["ls", "-s", server], cancellationToken);
        var uploadId = ls.StandardOutput.Split('\n')[1].Split(' ')[0];
        var status = await RunAsync(fixture, ["status", uploadId, "-s", server], cancellationToken);

        Assert.All(new[] { put, ls, status }, result => Assert.True(result.ExitCode == 0, result.ToString()));
        Assert.StartsWith("Uploaded plain.bin", put.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("plain.bin: 100%", put.StandardError, StringComparison.Ordinal);
        Assert.StartsWith("ID ", ls.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("completed", ls.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"upload        {uploadId}", status.StandardOutput, StringComparison.Ordinal);
        Assert.All(new[] { put, ls, status }, result => Assert.DoesNotContain('\u001b', result.StandardOutput + result.StandardError));
    }

    [Fact]
    public async Task Status_UnknownUpload_ExitsTwoWithTheProblemAsJson()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);

        var result = await RunAsync(fixture, ["status", "no-such-upload", "--server", fixture.Endpoint.AbsoluteUri, "--json"], cancellationToken);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.StandardOutput);
        using var error = JsonDocument.Parse(result.StandardError);
        Assert.Equal(404, error.RootElement.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("not_found", error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Abort_UploadInProgress_ExitsZeroAndLsShowsItAborted()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var upload = await fixture.CreateClient().CreateUploadAsync(new CreateUploadOptions { FileName = "drop.bin", Size = 100 }, cancellationToken);
        var server = fixture.Endpoint.AbsoluteUri;

        var abort = await RunAsync(fixture, ["abort", upload.UploadId, "--server", server], cancellationToken);
        var again = await RunAsync(fixture, ["abort", upload.UploadId, "--server", server, "--json"], cancellationToken);
        var ls = await RunAsync(fixture, ["ls", "--state", "aborted", "--server", server, "--json"], cancellationToken);

        Assert.True(abort.ExitCode == 0, abort.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("aborted", JsonDocument.Parse(again.StandardOutput).RootElement.GetProperty("state").GetString());
        Assert.True(ls.ExitCode == 0, ls.ToString());
        var listed = Assert.Single(JsonDocument.Parse(ls.StandardOutput).RootElement.EnumerateArray());
        Assert.Equal(upload.UploadId, listed.GetProperty("uploadId").GetString());
    }

    [Fact]
    public async Task Put_ServerUnreachable_ExitsThree()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var directory = new TemporaryDirectory();
        var path = directory.PathOf("nowhere.bin");
        TestFiles.WriteRandom(path, 1000);

        // Port 1 on the loopback refuses connections at once.
        var result = await CliProcess.RunAsync(directory.FullPath, ["put", path, "--server", "http://127.0.0.1:1", "--retries", "1"], cancellationToken);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("2 attempt(s)", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("put", "{dir}/missing.bin")]
    [InlineData("bogus")]
    [InlineData("put", "{file}", "--parallel", "0")]
    [InlineData("put", "{file}", "--chunk-size", "lots")]
    [InlineData("put", "{file}", "--server", "ftp://example")]
    [InlineData("resume", "{file}")]
    public async Task UsageErrors_ExitOneWithoutContactingTheServer(params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var directory = new TemporaryDirectory();
        var file = directory.PathOf("here.bin");
        TestFiles.WriteRandom(file, 100);

        // No silo: the default server (localhost:5000) is never reached, because nothing gets that far.
        var result = await CliProcess.RunAsync(
            directory.FullPath,
            arguments.Select(argument => argument.Replace("{dir}", directory.FullPath, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal)),
            timeout.Token);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.NotEmpty(result.StandardError);
    }

    [Fact]
    public async Task Put_InterruptedBySigint_ExitsWith130AndResumeSendsTheRest()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("interrupted.bin");
        const int ChunkCount = 500;
        var content = TestFiles.WriteRandom(path, ChunkCount * ChunkSize);
        var server = fixture.Endpoint.AbsoluteUri;
        var client = fixture.CreateClient();

        UploadResource paused;
        await using (var put = CliProcess.Start(fixture.StateDirectory, ["put", path, "--server", server, "--chunk-size", "64K", "--parallel", "1"], defaultSigInt: true))
        {
            // One chunk at a time, each durable before its answer: interrupt once some, and far from all, are stored.
            var upload = await WaitForUploadAsync(client, cancellationToken);
            while ((await client.GetUploadAsync(upload.UploadId, cancellationToken)).ReceivedChunkCount < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }

            put.Interrupt();
            var interrupted = await put.WaitForExitAsync(cancellationToken);
            Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
            Assert.Contains($"Paused upload {upload.UploadId}", interrupted.StandardError, StringComparison.Ordinal);
            Assert.Contains($"uploads resume {path}", interrupted.StandardError, StringComparison.Ordinal);
            paused = await client.GetUploadAsync(upload.UploadId, cancellationToken);
            Assert.InRange(paused.ReceivedChunkCount, 20, ChunkCount - 1);
        }

        var resume = await RunAsync(fixture, ["resume", path, "--server", server, "--json"], cancellationToken);

        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains($"Resuming upload {paused.UploadId}", resume.StandardError, StringComparison.Ordinal);
        using var resumed = JsonDocument.Parse(resume.StandardOutput);
        Assert.Equal(paused.UploadId, resumed.RootElement.GetProperty("uploadId").GetString());
        Assert.Equal(TestFiles.ChunksSha256(content, ChunkSize), resumed.RootElement.GetProperty("result").GetProperty("chunksSha256").GetString());
    }

    private static Task<CliResult> RunAsync(SiloFixture fixture, string[] arguments, CancellationToken cancellationToken) =>
        CliProcess.RunAsync(fixture.StateDirectory, arguments, cancellationToken);

    private static async Task<UploadResource> WaitForUploadAsync(UploadsClient client, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await client.GetUploadsPageAsync(cancellationToken: cancellationToken);
            if (page.Items.Count > 0)
            {
                return page.Items[0];
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }
}
