using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// tus-js-client, the reference tus client, run by Node against the real silo process at <c>/files/</c>: unmodified,
/// with the options applications use.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class TusClientTests
{
    private const string ClientScript = "tests/node/tus-client.mjs";
    private const int PartSize = 1024 * 1024;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromSeconds(60);

    // Parts of 1 MiB, so a PATCH of a whole file is committed in many blocks.
    private static readonly Dictionary<string, string> s_settings = new() { ["Uploads__Limits__DefaultChunkSize"] = PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task Upload_InterruptedHalfWayThroughOnePatch_ResumesFromTheServersOffset()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, s_settings, timeout.Token);
        var file = WriteFile(data, 48 * PartSize);

        // The client cuts its PATCH once half the file is written to the socket; on a fast loopback the whole body may
        // be through before the cut takes effect, and that upload simply completes. Then another upload is tried.
        JsonElement interrupted = default;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            interrupted = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, abortAtFraction = 0.5, metadata = new { filename = "movie.mp4", filetype = "video/mp4" } }, timeout.Token);
            if (interrupted.TryGetProperty("aborted", out var aborted) && aborted.GetBoolean())
            {
                break;
            }
        }

        Assert.True(interrupted.TryGetProperty("aborted", out var wasAborted) && wasAborted.GetBoolean(), $"No attempt was cut mid-PATCH: {interrupted}");
        var resumed = await RunAsync(new { endpoint = Endpoint(silo), uploadUrl = interrupted.GetProperty("url").GetString(), file = file.Path }, timeout.Token);

        Assert.True(resumed.GetProperty("ok").GetBoolean(), resumed.ToString());
        var requests = resumed.GetProperty("requests").EnumerateArray().ToArray();
        Assert.Equal("HEAD", requests[0].GetProperty("method").GetString());
        var serverOffset = long.Parse(requests[0].GetProperty("responseOffset").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        // The one PATCH was cut about half-way: every whole part before the cut was kept, so the client resumes there.
        Assert.InRange(serverOffset, 12 * PartSize, (48 * PartSize) - 1);
        Assert.Equal(0, serverOffset % PartSize);
        Assert.All(requests.Skip(1), r => Assert.Equal("PATCH", r.GetProperty("method").GetString()));
        Assert.Equal(serverOffset.ToString(System.Globalization.CultureInfo.InvariantCulture), requests[1].GetProperty("requestOffset").GetString());
        var upload = await AssertDeliveredAsync(silo, resumed, file.Bytes, timeout.Token);
        Assert.Equal("movie.mp4", upload.GetProperty("fileName").GetString());
        Assert.Equal("video/mp4", upload.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task Upload_FourParallelParts_IsConcatenatedIntoOneFile()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, s_settings, timeout.Token);
        var file = WriteFile(data, (10 * PartSize) + 12345);

        var result = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, parallelUploads = 4, metadata = new { filename = "parallel.bin" } }, timeout.Token);

        var upload = await AssertDeliveredAsync(silo, result, file.Bytes, timeout.Token);
        var creations = result.GetProperty("requests").EnumerateArray().Where(r => r.GetProperty("method").GetString() == "POST").ToArray();
        Assert.Equal(4, creations.Count(r => r.GetProperty("concat").GetString() == "partial"));
        Assert.Single(creations, r => r.GetProperty("concat").GetString()!.StartsWith("final;", StringComparison.Ordinal));
        Assert.Equal("parallel.bin", upload.GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task Upload_WithChecksums_IsAcceptedAndAWrongOneStopsAtTheLastGoodOffset()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, s_settings, timeout.Token);
        var file = WriteFile(data, (6 * PartSize) + 100);
        var chunkSize = 2 * PartSize;

        var good = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, chunkSize, checksum = "sha256" }, timeout.Token);
        var bad = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, chunkSize, checksum = "sha1", corruptChecksumOfPatch = 2 }, timeout.Token);

        await AssertDeliveredAsync(silo, good, file.Bytes, timeout.Token);
        Assert.False(bad.GetProperty("ok").GetBoolean(), bad.ToString());
        Assert.Equal(460, bad.GetProperty("status").GetInt32());
        using var head = TusHead(new Uri(bad.GetProperty("url").GetString()!).AbsolutePath);
        using var response = await silo.Client.SendAsync(head, timeout.Token);
        Assert.Equal((2 * chunkSize).ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("Upload-Offset").Single());
    }

    [Fact]
    public async Task Terminate_ReleasesAnUploadUnderWay()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, s_settings, timeout.Token);
        var file = WriteFile(data, 16 * PartSize);
        var interrupted = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, chunkSize = PartSize, abortAtFraction = 0.3 }, timeout.Token);
        var url = interrupted.GetProperty("url").GetString()!;

        var terminated = await RunAsync(new { action = "terminate", uploadUrl = url }, timeout.Token);

        Assert.True(terminated.GetProperty("ok").GetBoolean(), terminated.ToString());
        using var head = TusHead(new Uri(url).AbsolutePath);
        using var response = await silo.Client.SendAsync(head, timeout.Token);
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var upload = await silo.Client.GetFromJsonAsync<JsonElement>($"/v1/uploads/{IdOf(new Uri(url).AbsolutePath)}", timeout.Token);
        Assert.Equal("aborted", upload.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Terminate_FinishedUpload_SucceedsAndTheFileIsGone()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, s_settings, timeout.Token);
        var file = WriteFile(data, (2 * PartSize) + 3);
        var uploaded = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path }, timeout.Token);
        await AssertDeliveredAsync(silo, uploaded, file.Bytes, timeout.Token);
        var url = uploaded.GetProperty("url").GetString()!;

        // tus-js-client's abort(true) of a finished upload: one DELETE, no retries here (it retries anything but a 204).
        var terminated = await RunAsync(new { action = "terminate", uploadUrl = url }, timeout.Token);

        Assert.True(terminated.GetProperty("ok").GetBoolean(), terminated.ToString());
        using var head = TusHead(new Uri(url).AbsolutePath);
        using var headResponse = await silo.Client.SendAsync(head, timeout.Token);
        using var download = await silo.Client.GetAsync(new Uri(url).AbsolutePath, timeout.Token);
        Assert.Equal(HttpStatusCode.Gone, headResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, download.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data.FullPath, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Upload_WithDeferredLengthCreationWithUploadAndMethodOverride_Completes()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, s_settings, timeout.Token);
        var file = WriteFile(data, (3 * PartSize) + 7);

        // From a buffer: tus-js-client 4.3.1 declares a whole chunk's Content-Length for the short last slice of a file
        // stream when the length is deferred, and then sends less.
        var deferred = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, uploadLengthDeferred = true, chunkSize = PartSize, input = "buffer" }, timeout.Token);
        var withData = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, uploadDataDuringCreation = true, overridePatchMethod = true, chunkSize = 2 * PartSize }, timeout.Token);

        await AssertDeliveredAsync(silo, deferred, file.Bytes, timeout.Token);
        await AssertDeliveredAsync(silo, withData, file.Bytes, timeout.Token);
    }

    [Fact]
    public async Task Upload_OnAzurite_ParallelPartsAreComposedInTheStoreAndAnInterruptedPatchResumes()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        await using var azurite = await AzuriteProcess.StartAsync(timeout.Token);
        using var data = new TemporaryDirectory();
        var settings = new Dictionary<string, string>(s_settings)
        {
            ["Uploads__Storage__Provider"] = "AzureBlob",
            ["Uploads__Storage__AzureBlob__ConnectionString"] = azurite.ConnectionString,
        };
        await using var silo = await SiloProcess.StartAsync(data.FullPath, settings, timeout.Token);
        var file = WriteFile(data, (12 * PartSize) + 4321);

        var parallel = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, parallelUploads = 4 }, timeout.Token);
        var interrupted = await RunAsync(new { endpoint = Endpoint(silo), file = file.Path, abortAtFraction = 0.5 }, timeout.Token);
        var resumed = await RunAsync(new { endpoint = Endpoint(silo), uploadUrl = interrupted.GetProperty("url").GetString(), file = file.Path }, timeout.Token);

        await AssertDeliveredAsync(silo, parallel, file.Bytes, timeout.Token);
        await AssertDeliveredAsync(silo, resumed, file.Bytes, timeout.Token);
    }

    /// <summary>Asserts the client succeeded and the upload is completed with the file's bytes; returns its v1 resource.</summary>
    private static async Task<JsonElement> AssertDeliveredAsync(SiloProcess silo, JsonElement result, byte[] expected, CancellationToken cancellationToken)
    {
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        var path = new Uri(result.GetProperty("url").GetString()!).AbsolutePath;
        Assert.Equal(expected, await silo.Client.GetByteArrayAsync(path, cancellationToken));
        var upload = await silo.Client.GetFromJsonAsync<JsonElement>($"/v1/uploads/{IdOf(path)}", cancellationToken);
        Assert.Equal("completed", upload.GetProperty("state").GetString());
        return upload;
    }

    private static string IdOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string Endpoint(SiloProcess silo) => new Uri(silo.BaseAddress, "/files/").ToString();

    private static Task<JsonElement> RunAsync(object options, CancellationToken cancellationToken) =>
        NodeScript.RunAsync(ClientScript, options, s_scriptTimeout, cancellationToken);

    private static HttpRequestMessage TusHead(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Head, path);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static (string Path, byte[] Bytes) WriteFile(TemporaryDirectory data, int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);

        // Beside the store's own folders, not in them.
        var path = Path.Combine(data.FullPath, "source.bin");
        File.WriteAllBytes(path, bytes);
        return (path, bytes);
    }
}
