using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.FileSystem;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// Ingest efficiency: the same bytes, in the same chunks, at the same concurrency, (a) staged straight into the
/// FileSystem block store (the limit: what the disk takes with an fsync per block) and (b) sent through the HTTP
/// API to a real silo process on the same disk, created, chunked and completed. Ratio b/a is taken within each run.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var chunkSize = options.ChunkMiB * 1024 * 1024;
        var file = new byte[(long)options.SizeMiB * 1024 * 1024];
        Random.Shared.NextBytes(file);
        var chunkCount = (int)((file.LongLength + chunkSize - 1) / chunkSize);
        var rows = new List<IReadOnlyList<string>>();

        foreach (var concurrency in options.Concurrency)
        {
            var store = new List<double>();
            var http = new List<double>();
            var ratios = new List<double>();
            var seconds = new List<double>();
            var siloRoot = NewFolder(options, "ingest-silo");
            long peakRss;
            await using (var silo = await SiloProcess.StartAsync(siloRoot))
            {
                // One unmeasured pass over a few chunks, so neither side pays for JIT compilation in a measured run.
                var warmUp = file.AsMemory(0, (int)Math.Min(file.LongLength, 4L * chunkSize)).ToArray();
                await StageDirectlyAsync(options, warmUp, chunkSize, (warmUp.Length + chunkSize - 1) / chunkSize, concurrency);
                await UploadOverHttpAsync(silo.Client, warmUp, chunkSize, (warmUp.Length + chunkSize - 1) / chunkSize, concurrency);

                for (var run = 0; run < options.RunCount; run++)
                {
                    var storeSeconds = await StageDirectlyAsync(options, file, chunkSize, chunkCount, concurrency);
                    var httpSeconds = await UploadOverHttpAsync(silo.Client, file, chunkSize, chunkCount, concurrency);
                    store.Add(options.SizeMiB / storeSeconds);
                    http.Add(options.SizeMiB / httpSeconds);
                    ratios.Add(storeSeconds / httpSeconds);
                    seconds.Add(httpSeconds);
                }

                peakRss = ProcessMemory.PeakRssBytes(silo.ProcessId);
            }

            Directory.Delete(siloRoot, recursive: true);
            rows.Add(
            [
                concurrency.ToString(CultureInfo.InvariantCulture),
                Stats.Format(store),
                Stats.Format(http),
                Stats.Format(ratios, decimals: 2),
                Stats.Format(seconds, decimals: 2),
                (peakRss / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture),
            ]);
        }

        report.Add(new BenchTable(
            $"Ingest, FileSystem store: {options.SizeMiB} MiB in {options.ChunkMiB} MiB chunks ({options.RunCount} runs: median (min–max))",
            ["concurrency", "(a) store direct, MiB/s", "(b) HTTP API, MiB/s", "b/a", "(b) seconds, create to complete", "silo peak RSS, MiB"],
            rows,
            "(a) stages every chunk as a block through FileSystemBlockStore; (b) creates an upload, PUTs every chunk and completes it against a silo process on the same disk. Both fsync every block."));
    }

    private static async Task<double> StageDirectlyAsync(BenchOptions options, byte[] file, int chunkSize, int chunkCount, int concurrency)
    {
        var root = NewFolder(options, "ingest-store");
        try
        {
            var blocks = new FileSystemBlockStore(new FileSystemStorageOptions { Root = root }, TimeProvider.System, NullLogger<FileSystemBlockStore>.Instance);
            var stopwatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, chunkCount),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency },
                async (index, token) =>
                {
                    var length = ChunkLength(file, chunkSize, index);
                    using var content = new MemoryStream(file, index * chunkSize, length, writable: false);
                    await blocks.StageBlockAsync("bench/ingest", $"{index:D5}-block", content, length, cancellationToken: token);
                });
            return stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> UploadOverHttpAsync(HttpClient client, byte[] file, int chunkSize, int chunkCount, int concurrency)
    {
        var stopwatch = Stopwatch.StartNew();
        var created = await client.PostAsJsonAsync("/v1/uploads", new { fileName = "bench.bin", size = file.LongLength, chunkSize });
        created.EnsureSuccessStatusCode();
        var uploadId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uploadId").GetString();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunkCount),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (index, token) =>
            {
                using var content = new ReadOnlyMemoryContent(file.AsMemory(index * chunkSize, ChunkLength(file, chunkSize, index)));
                using var response = await client.PutAsync($"/v1/uploads/{uploadId}/chunks/{index}", content, token);
                response.EnsureSuccessStatusCode();
            });
        using var completed = await client.PostAsync($"/v1/uploads/{uploadId}/complete", content: null);
        completed.EnsureSuccessStatusCode();
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static int ChunkLength(byte[] file, int chunkSize, int index) =>
        (int)Math.Min(chunkSize, file.LongLength - ((long)index * chunkSize));

    private static string NewFolder(BenchOptions options, string name)
    {
        var path = Path.Combine(options.WorkFolder, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
