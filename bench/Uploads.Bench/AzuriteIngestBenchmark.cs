using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage;
using Uploads.Storage.AzureBlob;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// Ingest over Azure Blob Storage, emulated by Azurite on this machine: (a) the chunks staged straight through
/// <see cref="AzureBlobBlockStore"/> and committed with one Put Block List (the limit: what the Azure SDK and
/// Azurite take) beside (b) the same chunks sent through the HTTP API to a silo process on the same Azurite (see
/// <see cref="IngestMeasurement"/>). Each concurrency gets a fresh Azurite, so earlier runs' blocks do not weigh on later ones.
/// </summary>
internal static class AzuriteIngestBenchmark
{
    private static readonly BlobCommitOptions s_commit = new("application/octet-stream", new Dictionary<string, string>());

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var chunkSize = options.ChunkMiB * 1024 * 1024;
        var file = IngestMeasurement.RandomFile(options);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var concurrency in options.Concurrency)
        {
            var siloRoot = IngestMeasurement.NewFolder(options, "ingest-azurite-silo");
            await using (var azurite = await AzuriteProcess.StartAsync())
            {
                var storage = new AzureBlobStorageOptions { ConnectionString = azurite.ConnectionString };
                var blocks = new AzureBlobBlockStore(AzureBlobConnection.Create(storage, credential: null), TimeProvider.System, NullLogger<AzureBlobBlockStore>.Instance);
                var settings = new Dictionary<string, string>
                {
                    ["Uploads__Storage__Provider"] = "AzureBlob",
                    ["Uploads__Storage__AzureBlob__ConnectionString"] = azurite.ConnectionString,
                };
                await using var silo = await SiloProcess.StartAsync(siloRoot, settings);
                rows.Add(await IngestMeasurement.MeasureAsync(options, file, concurrency, silo, (bytes, parallel) => StageDirectlyAsync(blocks, bytes, chunkSize, parallel)));
            }

            Directory.Delete(siloRoot, recursive: true);
        }

        report.Add(new BenchTable(
            $"Ingest, AzureBlob store on Azurite 3.37: {options.SizeMiB} MiB in {options.ChunkMiB} MiB chunks ({options.RunCount} runs: median (min–max))",
            IngestMeasurement.Columns("AzureBlobBlockStore direct"),
            rows,
            "(a) stages every chunk as a block (Put Block) through AzureBlobBlockStore and commits them with one Put Block List; " +
            "(b) creates an upload, PUTs every chunk and completes it against a silo process whose store is the same Azurite. " +
            "Azurite, the silo and the benchmark share the machine's cores."));
    }

    private static async Task<double> StageDirectlyAsync(AzureBlobBlockStore blocks, byte[] file, int chunkSize, int concurrency)
    {
        var blobName = $"bench/{Guid.NewGuid():N}";
        var stopwatch = Stopwatch.StartNew();
        var blockIds = await IngestMeasurement.StageAllAsync(blocks, blobName, file, chunkSize, concurrency);
        await blocks.CommitBlockListAsync(blobName, blockIds, s_commit);
        var elapsed = stopwatch.Elapsed.TotalSeconds;

        // Unmeasured: give Azurite its space back before the next run.
        await blocks.DeleteAsync(blobName);
        return elapsed;
    }
}
