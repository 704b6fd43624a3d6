using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage;
using Uploads.Storage.AzureBlob;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// Ingest over Azure Blob Storage, emulated by Azurite on this machine: the same bytes, in the same chunks, at the same
/// concurrency, (a) staged straight through <see cref="AzureBlobBlockStore"/> and committed with one Put Block List
/// (the limit: what our REST client and Azurite take) and (b) sent through the HTTP API to a real silo process on the
/// same Azurite, created, chunked and completed. Ratio b/a is taken within each run. Each concurrency gets a fresh
/// Azurite, so that earlier runs' blocks do not weigh on later ones.
/// </summary>
internal static class AzuriteIngestBenchmark
{
    private static readonly BlobCommitOptions s_commit = new("application/octet-stream", new Dictionary<string, string>());

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var chunkSize = options.ChunkMiB * 1024 * 1024;
        var file = new byte[(long)options.SizeMiB * 1024 * 1024];
        Random.Shared.NextBytes(file);
        var chunkCount = (int)((file.LongLength + chunkSize - 1) / chunkSize);
        var rows = new List<IReadOnlyList<string>>();

        foreach (var concurrency in options.Concurrency)
        {
            var direct = new List<double>();
            var http = new List<double>();
            var ratios = new List<double>();
            var seconds = new List<double>();
            var siloRoot = Path.Combine(options.WorkFolder, $"ingest-azurite-silo-{Guid.NewGuid():N}");
            Directory.CreateDirectory(siloRoot);
            long peakRss;
            await using (var azurite = await AzuriteProcess.StartAsync())
            {
                var storage = new AzureBlobStorageOptions { ConnectionString = azurite.ConnectionString };
                using var client = new AzureBlobClient(storage, TimeProvider.System, NullLogger<AzureBlobClient>.Instance);
                var blocks = new AzureBlobBlockStore(client, storage, NullLogger<AzureBlobBlockStore>.Instance);
                var settings = new Dictionary<string, string>
                {
                    ["Uploads__Storage__Provider"] = "AzureBlob",
                    ["Uploads__Storage__AzureBlob__ConnectionString"] = azurite.ConnectionString,
                };
                await using (var silo = await SiloProcess.StartAsync(siloRoot, settings))
                {
                    // One unmeasured pass over a few chunks, so neither side pays for JIT compilation in a measured run.
                    var warmUp = file.AsMemory(0, (int)Math.Min(file.LongLength, 4L * chunkSize)).ToArray();
                    var warmUpCount = (warmUp.Length + chunkSize - 1) / chunkSize;
                    await StageDirectlyAsync(blocks, warmUp, chunkSize, warmUpCount, concurrency);
                    await UploadOverHttpAsync(silo.Client, warmUp, chunkSize, warmUpCount, concurrency);

                    for (var run = 0; run < options.RunCount; run++)
                    {
                        var directSeconds = await StageDirectlyAsync(blocks, file, chunkSize, chunkCount, concurrency);
                        var httpSeconds = await UploadOverHttpAsync(silo.Client, file, chunkSize, chunkCount, concurrency);
                        direct.Add(options.SizeMiB / directSeconds);
                        http.Add(options.SizeMiB / httpSeconds);
                        ratios.Add(directSeconds / httpSeconds);
                        seconds.Add(httpSeconds);
                    }

                    peakRss = ProcessMemory.PeakRssBytes(silo.ProcessId);
                }
            }

            Directory.Delete(siloRoot, recursive: true);
            rows.Add(
            [
                concurrency.ToString(CultureInfo.InvariantCulture),
                Stats.Format(direct),
                Stats.Format(http),
                Stats.Format(ratios, decimals: 2),
                Stats.Format(seconds, decimals: 2),
                (peakRss / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture),
            ]);
        }

        report.Add(new BenchTable(
            $"Ingest, AzureBlob store on Azurite 3.37: {options.SizeMiB} MiB in {options.ChunkMiB} MiB chunks ({options.RunCount} runs: median (min–max))",
            ["concurrency", "(a) AzureBlobBlockStore direct, MiB/s", "(b) HTTP API, MiB/s", "b/a", "(b) seconds, create to complete", "silo peak RSS, MiB"],
            rows,
            "(a) stages every chunk as a block (Put Block) through AzureBlobBlockStore and commits them with one Put Block List; " +
            "(b) creates an upload, PUTs every chunk and completes it against a silo process whose store is the same Azurite. " +
            "Azurite, the silo and the benchmark share the machine's cores."));
    }

    private static async Task<double> StageDirectlyAsync(AzureBlobBlockStore blocks, byte[] file, int chunkSize, int chunkCount, int concurrency, CancellationToken cancellationToken = default)
    {
        var blobName = $"bench/{Guid.NewGuid():N}";
        var blockIds = Enumerable.Range(0, chunkCount).Select(index => $"{index:D5}-block").ToArray();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunkCount),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var length = ChunkLength(file, chunkSize, index);
                using var content = new MemoryStream(file, index * chunkSize, length, writable: false);
                await blocks.StageBlockAsync(blobName, blockIds[index], content, length, cancellationToken: token);
            });
        await blocks.CommitBlockListAsync(blobName, blockIds, s_commit, cancellationToken);
        var elapsed = stopwatch.Elapsed.TotalSeconds;

        // Unmeasured: give Azurite its space back before the next run.
        await blocks.DeleteAsync(blobName, cancellationToken);
        return elapsed;
    }

    private static async Task<double> UploadOverHttpAsync(HttpClient client, byte[] file, int chunkSize, int chunkCount, int concurrency, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var created = await client.PostAsJsonAsync("/v1/uploads", new { fileName = "bench.bin", size = file.LongLength, chunkSize }, cancellationToken);
        created.EnsureSuccessStatusCode();
        var uploadId = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("uploadId").GetString();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunkCount),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                using var content = new ReadOnlyMemoryContent(file.AsMemory(index * chunkSize, ChunkLength(file, chunkSize, index)));
                using var response = await client.PutAsync($"/v1/uploads/{uploadId}/chunks/{index}", content, token);
                response.EnsureSuccessStatusCode();
            });
        using var completed = await client.PostAsync($"/v1/uploads/{uploadId}/complete", content: null, cancellationToken);
        completed.EnsureSuccessStatusCode();
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static int ChunkLength(byte[] file, int chunkSize, int index) =>
        (int)Math.Min(chunkSize, file.LongLength - ((long)index * chunkSize));
}
