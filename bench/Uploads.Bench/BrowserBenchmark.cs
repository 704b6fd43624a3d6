using System.Globalization;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// The upload page in Chromium (the browser client in its Web Worker, straight to the silo) against the .NET client
/// (<c>UploadsClient.UploadFileAsync</c>) on the same silo and the same file, run after run, so the ratio is taken
/// within each run. Both send four chunks at a time with their default chunk sizes.
/// </summary>
internal static class BrowserBenchmark
{
    private const int Parallelism = 4;

    private static readonly TimeSpan s_uploadTimeout = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var folder = IngestMeasurement.NewFolder(options, "browser");
        var pageSpeeds = new List<double>();
        var clientSpeeds = new List<double>();
        var ratios = new List<double>();
        long pageChunkSize = 0;
        long clientChunkSize = 0;
        try
        {
            var file = Path.Combine(folder, "video.mp4");
            var bytes = new byte[(long)options.BrowserSizeMiB * 1024 * 1024];
            Random.Shared.NextBytes(bytes);
            await File.WriteAllBytesAsync(file, bytes);
            var warmUp = Path.Combine(folder, "warm-up.bin");
            await File.WriteAllBytesAsync(warmUp, bytes.AsMemory(0, Math.Min(bytes.Length, 8 * 1024 * 1024)).ToArray());
            var mebibytes = bytes.LongLength / (1024.0 * 1024);

            await using var silo = await SiloProcess.StartAsync(IngestMeasurement.Subfolder(folder, "silo"));
            await UploadThroughPageAsync(silo, warmUp);
            await IngestMeasurement.UploadWithDotNetClientAsync(silo.BaseAddress, warmUp, Parallelism, Path.Combine(folder, "resume-warm-up"));
            for (var run = 0; run < options.RunCount; run++)
            {
                var (pageSeconds, pageUploadId) = await UploadThroughPageAsync(silo, file);
                var (clientSeconds, clientUpload) = await IngestMeasurement.UploadWithDotNetClientMeasuredAsync(silo.BaseAddress, file, Parallelism, Path.Combine(folder, $"resume-{run}"));
                pageSpeeds.Add(mebibytes / pageSeconds);
                clientSpeeds.Add(mebibytes / clientSeconds);
                ratios.Add(clientSeconds / pageSeconds);
                pageChunkSize = await ChunkSizeAsync(silo, pageUploadId);
                clientChunkSize = clientUpload.ChunkSize;
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        report.Add(new BenchTable(
            $"The upload page in Chromium against the .NET client: {options.BrowserSizeMiB} MiB, FileSystem store, {Parallelism} chunks in flight ({options.RunCount} runs: median (min–max))",
            ["client", "chunk size, MiB", "MiB/s", "page / .NET client"],
            [
                ["upload page (Chromium, Web Worker)", Mib(pageChunkSize), Stats.Format(pageSpeeds), Stats.Format(ratios, decimals: 2)],
                [".NET client (`UploadFileAsync`)", Mib(clientChunkSize), Stats.Format(clientSpeeds), ""],
            ],
            "The page: from choosing the file (playwright's setInputFiles) to the row showing completed, each chunk read and hashed " +
            "(SHA-256, WebCrypto) in the worker and sent with its Content-Digest. The .NET client: UploadFileAsync from start to end, " +
            "hashing every chunk too. Chromium (Debian's, headless), the silo and the client share the machine's cores."));
    }

    private static async Task<(double Seconds, string UploadId)> UploadThroughPageAsync(SiloProcess silo, string file)
    {
        var result = await BrowserScript.RunAsync("throughput", silo.BaseAddress, new Dictionary<string, object?> { ["file"] = file, ["direct"] = true }, s_uploadTimeout);
        if (!result.GetProperty("ok").GetBoolean() || result.GetProperty("state").GetString() != "completed")
        {
            throw new InvalidOperationException($"The page did not complete the upload of {file}: {result}");
        }

        return (result.GetProperty("elapsedMs").GetDouble() / 1000, result.GetProperty("uploadId").GetString()!);
    }

    private static async Task<long> ChunkSizeAsync(SiloProcess silo, string uploadId)
    {
        using var response = await silo.Client.GetAsync($"/v1/uploads/{uploadId}");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("chunkSize").GetInt64();
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.##", CultureInfo.InvariantCulture);
}
