using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Uploads.Testing;
using Xunit.Abstractions;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// The upload page at <c>/</c> in a real Chromium (tests/node/browser-page.mjs) against a real silo process. The
/// browser reaches the silo through a loopback proxy of the script that forwards every request unchanged, counts the
/// chunk bytes that pass to the silo and paces them at 32 MiB/s, so that a test can act while the upload is under
/// way on a machine whose loopback is faster than any network; asked to, it answers the first chunk requests itself
/// as a busy server would (503 with <c>Retry-After</c>).
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class BrowserPageTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private const int PacedMiBPerSecond = 32;
    private const string SigningKey = "browser-test-signing-key-of-at-least-32-bytes";

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Page_FileOf64MiB_CompletesWithIdenticalBytesAndAFullProgressBar()
    {
        var screenshot = ScreenshotPath("upload-page-mid-upload.png");

        await RunAsync("upload", 64 * MiB, new() { ["screenshot"] = screenshot }, async (silo, result, file, cancellationToken) =>
        {
            AssertCompleted(result);
            Assert.Equal(file.Length, result.GetProperty("progressMax").GetDouble());
            var uploadId = await AssertContentAsync(silo, result, file, cancellationToken);
            Assert.EndsWith($"/v1/uploads/{uploadId}/content", result.GetProperty("downloadHref").GetString(), StringComparison.Ordinal);
            var upload = await silo.Client.GetFromJsonAsync<JsonElement>($"/v1/uploads/{uploadId}", cancellationToken);
            Assert.Equal(8 * MiB, upload.GetProperty("chunkSize").GetInt32());
        });

        Assert.True(new FileInfo(screenshot).Length > 0, $"no screenshot at {screenshot}");
        output.WriteLine($"Screenshot of the page mid-upload: {screenshot}");
    }

    [Fact]
    public Task Page_NetworkOfflineForThreeSeconds_CompletesWithoutAClick() =>
        RunAsync("offline", 64 * MiB, [], async (silo, result, file, cancellationToken) =>
        {
            AssertCompleted(result);

            // The browser really was offline: its requests failed and the page said it waits for the network.
            Assert.True(result.GetProperty("sawWaiting").GetBoolean(), result.ToString());
            Assert.InRange(result.GetProperty("offlineMs").GetDouble(), 2900, 16000);
            Assert.InRange(result.GetProperty("acknowledgedBefore").GetInt64(), 1, file.Length - 1);
            await AssertContentAsync(silo, result, file, cancellationToken);
        });

    // 12 chunks of 8 MiB: at most the four chunks on their way when the page goes are sent twice.
    [Fact]
    public Task Page_ReloadedAtFortyPercentAndSameFileChosenAgain_SendsOnlyWhatIsMissing() =>
        RunAsync("reload", 96 * MiB, [], async (silo, result, file, cancellationToken) =>
        {
            AssertCompleted(result);
            Assert.Equal(result.GetProperty("firstUploadId").GetString(), result.GetProperty("uploadId").GetString());
            Assert.InRange(result.GetProperty("acknowledgedAtReload").GetInt64(), (long)(0.4 * file.Length), file.Length - 1);
            var received = result.GetProperty("chunkBodyBytes").GetInt64();
            output.WriteLine($"chunk bytes the silo received: {received:N0} for a file of {file.Length:N0} ({(double)received / file.Length:F2}x)");
            Assert.InRange(received, file.Length, (long)(1.4 * file.Length) - 1);
            await AssertContentAsync(silo, result, file, cancellationToken);
        });

    [Fact]
    public Task Page_Paused_StartsNoChunkRequestUntilResumed() =>
        RunAsync("pause", 64 * MiB, [], async (silo, result, file, cancellationToken) =>
        {
            AssertCompleted(result);
            Assert.Equal(0, result.GetProperty("chunkRequestsWhilePaused").GetInt32());
            Assert.Equal(0, result.GetProperty("browserChunkRequestsWhilePaused").GetInt32());
            Assert.Equal(result.GetProperty("acknowledgedAtPause").GetInt64(), result.GetProperty("acknowledgedBeforeResume").GetInt64());
            Assert.True(result.GetProperty("browserChunkRequests").GetInt32() > 0, "the browser's own requests were not seen");
            await AssertContentAsync(silo, result, file, cancellationToken);
        });

    // Without Retry-After the first retry would come after 0.25 to 0.5 s.
    [Fact]
    public Task Page_ServerBusyWithRetryAfter_RetriesNoSoonerAndCompletes() =>
        RunAsync("busy", 32 * MiB, new() { ["busyAnswers"] = 2 }, async (silo, result, file, cancellationToken) =>
        {
            AssertCompleted(result);
            var retries = result.GetProperty("retries").EnumerateArray().ToArray();
            Assert.Equal(2, retries.Length);
            Assert.All(retries, retry => Assert.InRange(retry.GetProperty("retriedAfterMs").GetDouble(), 950, 10000));
            await AssertContentAsync(silo, result, file, cancellationToken);
        });

    [Fact]
    public Task Page_Cancelled_AbortsTheUploadOnTheServer() =>
        RunAsync("cancel", 64 * MiB, [], async (silo, result, _, cancellationToken) =>
        {
            Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
            Assert.Equal("cancelled", result.GetProperty("state").GetString());
            var upload = await silo.Client.GetFromJsonAsync<JsonElement>($"/v1/uploads/{result.GetProperty("uploadId").GetString()}", cancellationToken);
            Assert.Equal("aborted", upload.GetProperty("state").GetString());
        });

    [Fact]
    public Task Page_JwtMode_SaysItNeedsATokenAndUploadsWithOne()
    {
        var token = HandMadeJwt.Sign("carol", SigningKey);
        var settings = new Dictionary<string, string> { ["Uploads__Auth__Mode"] = "Jwt", ["Uploads__Auth__Jwt__SigningKey"] = SigningKey };
        return RunAsync("token", 10 * MiB, new() { ["token"] = token }, async (silo, result, file, cancellationToken) =>
        {
            AssertCompleted(result);
            Assert.Contains("needs a token", result.GetProperty("tokenNeeded").GetString(), StringComparison.Ordinal);
            Assert.True(result.GetProperty("panelHiddenAfter").GetBoolean());
            var uploadId = result.GetProperty("uploadId").GetString();
            using var carol = new HttpClient { BaseAddress = silo.BaseAddress };
            carol.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(file, await carol.GetByteArrayAsync($"/v1/uploads/{uploadId}/content", cancellationToken));
            using var anonymous = await silo.Client.GetAsync($"/v1/uploads/{uploadId}", cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }, settings);
    }

    private static void AssertCompleted(JsonElement result)
    {
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.True(result.GetProperty("state").GetString() == "completed", result.ToString());
        Assert.Equal(result.GetProperty("progressMax").GetDouble(), result.GetProperty("progressValue").GetDouble());
    }

    /// <summary>Asserts the silo holds the file's bytes as the upload's content; returns the upload's id.</summary>
    private static async Task<string> AssertContentAsync(SiloProcess silo, JsonElement result, byte[] expected, CancellationToken cancellationToken)
    {
        var uploadId = result.GetProperty("uploadId").GetString()!;
        var content = await silo.Client.GetByteArrayAsync($"/v1/uploads/{uploadId}/content", cancellationToken);
        Assert.Equal(SHA256.HashData(expected), SHA256.HashData(content));
        return uploadId;
    }

    /// <summary>
    /// Starts a silo (with <paramref name="settings"/>), writes a random file of <paramref name="fileSize"/> bytes,
    /// runs <paramref name="scenario"/> on it, then hands the answer to <paramref name="check"/> while the silo still runs.
    /// </summary>
    private async Task RunAsync(
        string scenario,
        int fileSize,
        Dictionary<string, object?> options,
        Func<SiloProcess, JsonElement, byte[], CancellationToken, Task> check,
        Dictionary<string, string>? settings = null)
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, settings, timeout.Token);
        var file = WriteFile(data, fileSize);
        options["file"] = file.Path;
        options["throttleMiBps"] = PacedMiBPerSecond;

        var result = await BrowserScript.RunAsync(scenario, silo.BaseAddress, options, s_scriptTimeout, timeout.Token);
        output.WriteLine(result.ToString());

        await check(silo, result, file.Bytes, timeout.Token);
    }

    /// <summary>Screenshots stay with the test's output, beside its assembly.</summary>
    private static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    internal static (string Path, byte[] Bytes) WriteFile(TemporaryDirectory data, int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);

        // Beside the store's own folders, not in them; a name a person would choose.
        var path = Path.Combine(data.FullPath, string.Create(CultureInfo.InvariantCulture, $"holiday-video-{length / MiB}MiB.mp4"));
        File.WriteAllBytes(path, bytes);
        return (path, bytes);
    }
}
