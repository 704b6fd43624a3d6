using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.FileSystem;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// Ingest efficiency on the FileSystem store: (a) the chunks staged straight into <see cref="FileSystemBlockStore"/>
/// (the limit: what the disk takes with an fsync per block) beside (b) the same chunks sent through the HTTP API to a
/// real silo process on the same disk (see <see cref="IngestMeasurement"/>).
/// </summary>
internal static class IngestBenchmark
{
    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var chunkSize = options.ChunkMiB * 1024 * 1024;
        var file = IngestMeasurement.RandomFile(options);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var concurrency in options.Concurrency)
        {
            var siloRoot = IngestMeasurement.NewFolder(options, "ingest-silo");
            await using (var silo = await SiloProcess.StartAsync(siloRoot))
            {
                rows.Add(await IngestMeasurement.MeasureAsync(options, file, concurrency, silo, (bytes, parallel) => StageDirectlyAsync(options, bytes, chunkSize, parallel)));
            }

            Directory.Delete(siloRoot, recursive: true);
        }

        report.Add(new BenchTable(
            $"Ingest, FileSystem store: {options.SizeMiB} MiB in {options.ChunkMiB} MiB chunks ({options.RunCount} runs: median (min–max))",
            IngestMeasurement.Columns("store direct"),
            rows,
            "(a) stages every chunk as a block through FileSystemBlockStore; (b) creates an upload, PUTs every chunk and completes it against a silo process on the same disk. Both fsync every block."));
    }

    private static async Task<double> StageDirectlyAsync(BenchOptions options, byte[] file, int chunkSize, int concurrency)
    {
        var root = IngestMeasurement.NewFolder(options, "ingest-store");
        try
        {
            var blocks = new FileSystemBlockStore(new FileSystemStorageOptions { Root = root }, TimeProvider.System, NullLogger<FileSystemBlockStore>.Instance);
            var stopwatch = Stopwatch.StartNew();
            await IngestMeasurement.StageAllAsync(blocks, "bench/ingest", file, chunkSize, concurrency);
            return stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
