using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Uploads.Abstractions;
using Uploads.Grains;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// What one chunk commit writes to grain state, against the size of the upload. The baseline is the single-record
/// manifest a simpler design would rewrite on every commit: all the upload's parts, serialized the same way. Writes
/// and bytes are counted by a <see cref="CountingGrainStorage"/> around the silo's provider; the writes are checked
/// against Orleans' own storage instrument (<c>orleans-storage-write-latency</c>, one measurement per write made
/// through a grain's storage bridge).
/// </summary>
internal static class CommitCostBenchmark
{
    private const string OrleansMeter = "Microsoft.Orleans";
    private const string OrleansStorageWrites = "orleans-storage-write-latency";

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var root = Path.Combine(options.WorkFolder, "commit-cost-" + Guid.NewGuid().ToString("N"));
        var rows = new List<IReadOnlyList<string>>();
        try
        {
            await using var silo = await StartCountingSiloAsync(root);
            using var orleansWrites = new OrleansStorageWriteCounter();
            foreach (var chunkCount in options.CommitChunkCounts)
            {
                var uploadId = $"commit-cost-{chunkCount}";
                var upload = silo.Upload(uploadId, tenant: "bench");
                // One-byte chunks: the bytes are not what is measured, only the state each commit writes.
                await upload.CreateAsync(new CreateUploadCommand("bench.bin", "application/octet-stream", chunkCount, 1, new Dictionary<string, string>()));
                long lastCommitBytes = 0;
                long totalBytes = 0;
                long totalWrites = 0;
                long totalOrleansWrites = 0;
                for (var index = 0; index < chunkCount; index++)
                {
                    var target = await upload.BeginChunkAsync(index, 1);
                    var before = CountedStorage(silo).Snapshot();
                    var orleansBefore = orleansWrites.Count;
                    await upload.CommitChunkAsync(new ChunkCommit(index, target.BlockId, 1, new byte[32]));
                    var after = CountedStorage(silo).Snapshot();
                    totalOrleansWrites += orleansWrites.Count - orleansBefore;
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
                    (totalOrleansWrites / (double)chunkCount).ToString("F2", CultureInfo.InvariantCulture),
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
            ["chunks in upload", "bytes per commit (mean)", "bytes of the last commit", "state writes per commit", "writes per commit (Orleans' meter)", "baseline: one-record manifest at the end"],
            rows,
            $"Parts are kept in pages of {UploadPartPage.Size} chunks, each a named state of the grain on Orleans grain storage (FileSystem provider); a commit rewrites its page only. " +
            "Bytes are the state as the grain-storage serializer (System.Text.Json) writes it. The baseline column is what a design that rewrites the whole manifest would write per commit once the upload is full."));

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
            await using var silo = await StartCountingSiloAsync(root);
            var upload = silo.Upload("commit-parallel", tenant: "bench");
            await upload.CreateAsync(new CreateUploadCommand("bench.bin", "application/octet-stream", chunkCount, 1, new Dictionary<string, string>()));
            var before = CountedStorage(silo).Snapshot();
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
            var after = CountedStorage(silo).Snapshot();
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

    /// <summary>
    /// One silo in this process (<see cref="InProcessSilo"/>: real grains, the FileSystem stores and grain storage in
    /// <paramref name="root"/>) with the upload grains' storage provider wrapped in a <see cref="CountingGrainStorage"/>.
    /// </summary>
    private static Task<InProcessSilo> StartCountingSiloAsync(string root) =>
        InProcessSilo.StartAsync(root, decorateGrainStorage: static (inner, services) => new CountingGrainStorage(inner, services.GetRequiredService<IGrainStorageSerializer>()));

    /// <summary>What the upload grains of <paramref name="silo"/> have written to grain storage.</summary>
    private static CountingGrainStorage CountedStorage(InProcessSilo silo) =>
        (CountingGrainStorage)silo.Services.GetRequiredKeyedService<IGrainStorage>(UploadKeys.StorageName);

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

    /// <summary>Counts the state writes Orleans reports on its storage instrument.</summary>
    private sealed class OrleansStorageWriteCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public OrleansStorageWriteCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OrleansMeter && instrument.Name == OrleansStorageWrites)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
