using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// Many small uploads in small chunks: 200 uploads of 1 MiB in 64 KiB chunks, 20 at a time (smaller in smoke mode).
/// Each upload sends its chunks one after another. tus servers are driven by one Node client making raw tus requests
/// (bench/node/small-chunks.mjs), our v1 API by the same pattern of requests from .NET.
/// </summary>
internal static class SmallChunksBenchmark
{
    private const string ClientScript = "bench/node/small-chunks.mjs";
    private const string ServerScript = "bench/node/tus-server.mjs";
    private const int UploadBytes = 1024 * 1024;
    private const int ChunkBytes = 64 * 1024;

    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(10);

    // The defaults would refuse a benchmark's request rate; the limits are not what is measured.
    private static readonly Dictionary<string, string> s_unlimited = new()
    {
        ["Uploads__Limits__RequestsPerSecond"] = "1000000",
        ["Uploads__Limits__RequestBurst"] = "1000000",
    };

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var uploads = options.Smoke ? 20 : 200;
        var concurrency = options.Smoke ? 5 : 20;
        var rows = new List<IReadOnlyList<string>>();
        var folder = IngestMeasurement.NewFolder(options, "small-chunks");
        try
        {
            await using (var ours = await SiloProcess.StartAsync(IngestMeasurement.Subfolder(folder, "silo"), s_unlimited))
            await using (var theirs = await NodeServer.StartAsync(ServerScript, new Dictionary<string, object> { ["store"] = "file", ["directory"] = IngestMeasurement.Subfolder(folder, "tus-node-server") }))
            {
                rows.AddRange(await CompareAsync(options, "FileSystem", uploads, concurrency, ours, theirs, theirsDurable: "no", oursDurable: "yes"));
            }

            await using var azurite = await AzuriteProcess.StartAsync();
            var settings = new Dictionary<string, string>(s_unlimited)
            {
                ["Uploads__Storage__Provider"] = "AzureBlob",
                ["Uploads__Storage__AzureBlob__ConnectionString"] = azurite.ConnectionString,
            };
            await using (var ours = await SiloProcess.StartAsync(IngestMeasurement.Subfolder(folder, "silo-azure"), settings))
            await using (var theirs = await NodeServer.StartAsync(ServerScript, new Dictionary<string, object> { ["store"] = "azure", ["connectionString"] = azurite.ConnectionString, ["container"] = "tus-node-small" }))
            {
                rows.AddRange(await CompareAsync(options, "Azurite", uploads, concurrency, ours, theirs, theirsDurable: "as Azurite", oursDurable: "as Azurite"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        report.Add(new BenchTable(
            $"Small chunks: {uploads} uploads of 1 MiB in 64 KiB chunks, {concurrency} at a time ({options.RunCount} runs: median (min–max))",
            ["store", "server", "client", "uploads/s", "chunk requests/s", "chunk p50, ms", "chunk p99, ms", "requests/s vs tus-node-server", "chunk durable (fsync) when acknowledged", "server peak RSS, MiB"],
            rows,
            "tus: POST with Upload-Length, then one PATCH per chunk at its offset. v1: POST create, one PUT per chunk, POST complete. " +
            "@tus/file-store appends to a file and acknowledges without fsync; our FileSystem store fsyncs every block and every part " +
            "record (and their folders) before it answers. Latency is per chunk request, measured by the client."));
    }

    private static async Task<List<IReadOnlyList<string>>> CompareAsync(BenchOptions options, string store, int uploads, int concurrency, SiloProcess ours, NodeServer theirs, string theirsDurable, string oursDurable)
    {
        var ourTus = new Uri(ours.BaseAddress, "/files/");

        // Warm-up, unmeasured: a few uploads each.
        await RunTusAsync(theirs.TusEndpoint, 4, 2);
        await RunTusAsync(ourTus, 4, 2);
        await RunV1Async(ours.Client, 4, 2);

        var results = new Dictionary<string, List<SmallChunkRun>> { ["theirs"] = [], ["tus"] = [], ["v1"] = [] };
        for (var run = 0; run < options.RunCount; run++)
        {
            results["theirs"].Add(await RunTusAsync(theirs.TusEndpoint, uploads, concurrency));
            results["tus"].Add(await RunTusAsync(ourTus, uploads, concurrency));
            results["v1"].Add(await RunV1Async(ours.Client, uploads, concurrency));
        }

        var theirRss = ProcessMemory.Mib(ProcessMemory.PeakRssBytes(theirs.ProcessId));
        var ourRss = ProcessMemory.Mib(ProcessMemory.PeakRssBytes(ours.ProcessId));
        return
        [
            Row(store, "tus-node-server", "raw tus (Node)", results["theirs"], null, theirsDurable, theirRss),
            Row(store, "Uploads `/files/`", "raw tus (Node)", results["tus"], results["theirs"], oursDurable, ourRss),
            Row(store, "Uploads v1", "raw v1 (.NET)", results["v1"], results["theirs"], oursDurable, ourRss),
        ];
    }

    private static IReadOnlyList<string> Row(string store, string server, string client, List<SmallChunkRun> runs, List<SmallChunkRun>? baseline, string fsync, string rss) =>
    [
        store,
        server,
        client,
        Stats.Format(runs.Select(r => r.Uploads / r.Seconds).ToArray()),
        Stats.Format(runs.Select(r => r.ChunkRequests / r.Seconds).ToArray(), decimals: 0),
        Stats.Format(runs.Select(r => r.Percentile(0.50)).ToArray()),
        Stats.Format(runs.Select(r => r.Percentile(0.99)).ToArray()),
        baseline is null ? "" : Stats.Format(runs.Select((r, i) => (r.ChunkRequests / r.Seconds) / (baseline[i].ChunkRequests / baseline[i].Seconds)).ToArray(), decimals: 2),
        fsync,
        rss,
    ];

    private static async Task<SmallChunkRun> RunTusAsync(Uri endpoint, int uploads, int concurrency)
    {
        var result = await NodeScript.RunAsync(
            ClientScript,
            new { endpoint = endpoint.ToString(), uploads, uploadBytes = UploadBytes, chunkBytes = ChunkBytes, concurrency },
            s_runTimeout);
        var latencies = result.GetProperty("latencies").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        return new SmallChunkRun(uploads, latencies.Length, result.GetProperty("elapsedMs").GetDouble() / 1000, latencies);
    }

    private static async Task<SmallChunkRun> RunV1Async(HttpClient client, int uploads, int concurrency)
    {
        var body = new byte[UploadBytes];
        Random.Shared.NextBytes(body);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, uploads),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (_, token) =>
            {
                using var created = await client.PostAsJsonAsync("/v1/uploads", new { fileName = "small.bin", size = UploadBytes, chunkSize = ChunkBytes }, token);
                created.EnsureSuccessStatusCode();
                var uploadId = (await created.Content.ReadFromJsonAsync<JsonElement>(token)).GetProperty("uploadId").GetString();
                for (var index = 0; index < UploadBytes / ChunkBytes; index++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var content = new ReadOnlyMemoryContent(body.AsMemory(index * ChunkBytes, ChunkBytes));
                    using var response = await client.PutAsync($"/v1/uploads/{uploadId}/chunks/{index}", content, token);
                    response.EnsureSuccessStatusCode();
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                using var completed = await client.PostAsync($"/v1/uploads/{uploadId}/complete", content: null, token);
                completed.EnsureSuccessStatusCode();
            });
        return new SmallChunkRun(uploads, latencies.Count, stopwatch.Elapsed.TotalSeconds, [.. latencies]);
    }


    private sealed record SmallChunkRun(int Uploads, int ChunkRequests, double Seconds, double[] Latencies)
    {
        public double Percentile(double fraction)
        {
            var sorted = Latencies.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
        }
    }
}
