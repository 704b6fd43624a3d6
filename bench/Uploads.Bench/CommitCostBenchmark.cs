using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Uploads.Grains;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// What one chunk commit writes to grain state, against the size of the upload. The baseline is the single-record
/// manifest a simpler design would rewrite on every commit: all the upload's parts, serialized the same way.
/// </summary>
internal static class CommitCostBenchmark
{
    private const string RuntimeMeter = "Uploads.Runtime";
    private const string BytesWritten = "uploads.runtime.state.bytes_written";
    private const string Writes = "uploads.runtime.state.writes";

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var root = Path.Combine(options.WorkFolder, "commit-cost-" + Guid.NewGuid().ToString("N"));
        var rows = new List<IReadOnlyList<string>>();
        try
        {
            await using var silo = await InProcessSilo.StartAsync(root);
            using var meter = new StateWriteMeter();
            foreach (var chunkCount in options.CommitChunkCounts)
            {
                var uploadId = $"commit-cost-{chunkCount}";
                var upload = silo.Upload(uploadId, tenant: "bench");
                // One-byte chunks: the bytes are not what is measured, only the state each commit writes.
                await upload.CreateAsync(new CreateUploadCommand("bench.bin", "application/octet-stream", chunkCount, 1, new Dictionary<string, string>()));
                long lastCommitBytes = 0;
                long totalBytes = 0;
                long totalWrites = 0;
                for (var index = 0; index < chunkCount; index++)
                {
                    var target = await upload.BeginChunkAsync(index, 1);
                    var before = meter.Snapshot();
                    await upload.CommitChunkAsync(new ChunkCommit(index, target.BlockId, 1, new byte[32]));
                    var after = meter.Snapshot();
                    lastCommitBytes = after.Bytes - before.Bytes;
                    totalBytes += lastCommitBytes;
                    totalWrites += after.Writes - before.Writes;
                }

                var manifestBaseline = SingleRecordManifestBytes(chunkCount);
                rows.Add(
                [
                    chunkCount.ToString("N0", CultureInfo.InvariantCulture),
                    (totalBytes / (double)chunkCount).ToString("N0", CultureInfo.InvariantCulture),
                    lastCommitBytes.ToString("N0", CultureInfo.InvariantCulture),
                    (totalWrites / (double)chunkCount).ToString("F2", CultureInfo.InvariantCulture),
                    manifestBaseline.ToString("N0", CultureInfo.InvariantCulture),
                ]);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        report.Add(new BenchTable(
            "Grain state written per chunk commit",
            ["chunks in upload", "bytes per commit (mean)", "bytes of the last commit", "state writes per commit", "baseline: one-record manifest at the end"],
            rows,
            $"Parts are kept in pages of {UploadPartPage.Size} chunks; a commit rewrites its page only. The baseline column is what a design that rewrites the whole manifest would write per commit once the upload is full."));

        await RunParallelAsync(options, report);
    }

    /// <summary>State writes per chunk when 16 chunks of one upload are sent at once, as a parallel client does.</summary>
    private static async Task RunParallelAsync(BenchOptions options, BenchReport report)
    {
        const int Parallelism = 16;
        var chunkCount = options.Smoke ? 128 : 2_048;
        var root = Path.Combine(options.WorkFolder, "commit-parallel-" + Guid.NewGuid().ToString("N"));
        IReadOnlyList<string> row;
        try
        {
            await using var silo = await InProcessSilo.StartAsync(root);
            using var meter = new StateWriteMeter();
            var upload = silo.Upload("commit-parallel", tenant: "bench");
            await upload.CreateAsync(new CreateUploadCommand("bench.bin", "application/octet-stream", chunkCount, 1, new Dictionary<string, string>()));
            var before = meter.Snapshot();
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, chunkCount),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
                async (index, token) =>
                {
                    var target = await upload.BeginChunkAsync(index, 1, token);
                    await silo.Blocks.StageBlockAsync(target.BlobName, target.BlockId, new MemoryStream([1]), 1, cancellationToken: token);
                    await upload.CommitChunkAsync(new ChunkCommit(index, target.BlockId, 1, new byte[32]), token);
                });
            var elapsed = stopwatch.Elapsed.TotalSeconds;
            var after = meter.Snapshot();
            row =
            [
                chunkCount.ToString("N0", CultureInfo.InvariantCulture),
                Parallelism.ToString(CultureInfo.InvariantCulture),
                ((after.Writes - before.Writes) / (double)chunkCount).ToString("F2", CultureInfo.InvariantCulture),
                ((after.Bytes - before.Bytes) / (double)chunkCount).ToString("N0", CultureInfo.InvariantCulture),
                (chunkCount / elapsed).ToString("N0", CultureInfo.InvariantCulture),
            ];
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        report.Add(new BenchTable(
            "Grain state writes per chunk under parallel upload of one file",
            ["chunks", "chunks in flight", "state writes per chunk", "state bytes per chunk", "commits/s (FileSystem, fsync each)"],
            [row],
            "Each chunk is staged as a block and committed by the upload's grain; commits of one upload are serialized by the grain, " +
            "and each is one conditional write of its page of parts. No conflict retries happen within one silo."));
    }

    private static long SingleRecordManifestBytes(int chunkCount)
    {
        var manifest = new UploadPartPage
        {
            Parts = Enumerable.Range(0, chunkCount)
                .Select(i => new UploadPart { Index = i, BlockId = BlockIds.New(i), Size = 8 * 1024 * 1024, Sha256 = new byte[32] })
                .ToList(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions(JsonSerializerDefaults.Web)).Length;
    }

    /// <summary>Sums the runtime's state-write counters.</summary>
    private sealed class StateWriteMeter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _bytes;
        private long _writes;

        public StateWriteMeter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RuntimeMeter && instrument.Name is BytesWritten or Writes)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == BytesWritten)
                {
                    Interlocked.Add(ref _bytes, value);
                }
                else
                {
                    Interlocked.Add(ref _writes, value);
                }
            });
            _listener.Start();
        }

        public (long Bytes, long Writes) Snapshot() => (Interlocked.Read(ref _bytes), Interlocked.Read(ref _writes));

        public void Dispose() => _listener.Dispose();
    }
}
