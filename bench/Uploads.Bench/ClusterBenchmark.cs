using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Abstractions;
using Uploads.Grains;
using Uploads.Runtime;
using Uploads.Runtime.Cluster;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// A cluster of three silo processes on loopback over one FileSystem folder, with the default membership settings.
/// (a) The cost of forwarding: the same requests, one at a time, sent to the silo that owns the upload (its grain calls
/// run locally) and to the two that do not (each grain call goes one hop to the owner), medians taken in the same run.
/// (b) Failover: the silo owning the most uploads is killed with SIGKILL; a survivor is asked for one of its uploads
/// every 10 ms until it answers, and the survivors are polled until all report the silo dead.
/// </summary>
internal static class ClusterBenchmark
{
    private const int SiloCount = 3;
    private const int ChunkSize = 64 * 1024;
    private const string ClusterKey = "benchmark-cluster-key-0123456789";

    private static readonly TimeSpan s_viewTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var uploadCount = options.Smoke ? 6 : 24;
        var chunksPerUpload = options.Smoke ? 8 : 24;
        var putLocal = new List<double>();
        var putForwarded = new List<double>();
        var getLocal = new List<double>();
        var getForwarded = new List<double>();
        var samples = (Put: (Local: 0, Forwarded: 0), Get: (Local: 0, Forwarded: 0));
        var failoverRows = new List<IReadOnlyList<string>>();

        for (var run = 0; run < options.RunCount; run++)
        {
            var root = Path.Combine(options.WorkFolder, $"cluster-{Guid.NewGuid():N}");
            Directory.CreateDirectory(root);
            var silos = await StartClusterAsync(root);
            try
            {
                var siloIds = Enumerable.Range(1, SiloCount).Select(i => $"silo-{i}").ToArray();
                await WaitForViewsAsync(silos, string.Join(' ', siloIds.Select(id => $"{id}:active")));

                // One unmeasured upload through every silo, so that no measured request pays for JIT compilation.
                await MeasureAsync(silos, siloIds, uploads: 1, chunks: SiloCount * 2);
                var measured = await MeasureAsync(silos, siloIds, uploadCount, chunksPerUpload);
                putLocal.Add(Stats.Median(measured.PutLocal));
                putForwarded.Add(Stats.Median(measured.PutForwarded));
                getLocal.Add(Stats.Median(measured.GetLocal));
                getForwarded.Add(Stats.Median(measured.GetForwarded));
                samples = ((measured.PutLocal.Count, measured.PutForwarded.Count), (measured.GetLocal.Count, measured.GetForwarded.Count));

                var (victimId, firstCall, declaredDead) = await KillAndProbeAsync(silos, siloIds, measured.UploadIds);
                failoverRows.Add(
                [
                    (run + 1).ToString(CultureInfo.InvariantCulture),
                    victimId,
                    firstCall.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture),
                    declaredDead.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
                ]);
            }
            finally
            {
                foreach (var silo in silos)
                {
                    await silo.DisposeAsync();
                }

                Directory.Delete(root, recursive: true);
            }
        }

        report.Add(new BenchTable(
            $"Forwarded vs local grain calls: 3 silos, FileSystem store, one request at a time ({options.RunCount} runs: median of per-run medians (min–max), ms)",
            ["request", "owner silo (local), ms", "other silo (forwarded), ms", "forwarded − local, ms", "samples per run (local / forwarded)"],
            [
                ["PUT chunk of 64 KiB (begin + commit are grain calls)", Stats.Format(putLocal, 2), Stats.Format(putForwarded, 2), Stats.Format(Differences(putForwarded, putLocal), 2), $"{samples.Put.Local} / {samples.Put.Forwarded}"],
                ["GET upload (one grain call)", Stats.Format(getLocal, 2), Stats.Format(getForwarded, 2), Stats.Format(Differences(getForwarded, getLocal), 2), $"{samples.Get.Local} / {samples.Get.Forwarded}"],
            ],
            "Each request goes to each of the three silos in turn; it is local on the silo that owns the upload's grain (rendezvous placement over the three ids) and forwarded over the internal endpoint on the other two. Chunk bytes are staged by the silo that receives them in every case."));
        report.Add(new BenchTable(
            "Failover: SIGKILL of the silo owning the most uploads (default HeartbeatInterval 2 s, DeadAfter 8 s)",
            ["run", "killed", "first successful call on its grain after the kill, ms", "every survivor reports it dead after, s"],
            failoverRows,
            "The first call finds the dead silo's port refusing connections, suspects it and places the grain on the next silo in its order at once; the survivors declare it dead in the membership table once its record has gone unrenewed for DeadAfter."));
    }

    private static IReadOnlyList<double> Differences(IReadOnlyList<double> a, IReadOnlyList<double> b) => a.Zip(b, (x, y) => x - y).ToArray();

    private static async Task<SiloProcess[]> StartClusterAsync(string root)
    {
        var starts = Enumerable.Range(1, SiloCount).Select(i => SiloProcess.StartAsync(root, new Dictionary<string, string>
        {
            ["Uploads__Cluster__SiloId"] = $"silo-{i}",
            ["Uploads__Cluster__InternalUrl"] = $"http://127.0.0.1:{SiloProcess.GetFreeLoopbackPort()}",
            ["Uploads__Cluster__Key"] = ClusterKey,
            ["Logging__LogLevel__Default"] = "Warning",
        })).ToArray();
        return await Task.WhenAll(starts);
    }

    private static async Task<Measurements> MeasureAsync(SiloProcess[] silos, string[] siloIds, int uploads, int chunks)
    {
        var result = new Measurements();
        var bytes = new byte[ChunkSize];
        Random.Shared.NextBytes(bytes);
        for (var u = 0; u < uploads; u++)
        {
            using var created = await silos[u % SiloCount].Client.PostAsJsonAsync("/v1/uploads", new { fileName = "bench.bin", size = (long)chunks * ChunkSize, chunkSize = ChunkSize });
            created.EnsureSuccessStatusCode();
            var uploadId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uploadId").GetString()!;
            result.UploadIds.Add(uploadId);
            var owner = RendezvousPlacement.SelectOwner(new GrainId(UploadKeys.GrainType, UploadKeys.GrainKey("local", uploadId)), siloIds);
            for (var index = 0; index < chunks; index++)
            {
                var silo = index % SiloCount;
                var local = siloIds[silo] == owner;
                var started = Stopwatch.GetTimestamp();
                using (var put = await silos[silo].Client.PutAsync($"/v1/uploads/{uploadId}/chunks/{index}", new ByteArrayContent(bytes)))
                {
                    put.EnsureSuccessStatusCode();
                }

                (local ? result.PutLocal : result.PutForwarded).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

                started = Stopwatch.GetTimestamp();
                using (var get = await silos[silo].Client.GetAsync($"/v1/uploads/{uploadId}"))
                {
                    get.EnsureSuccessStatusCode();
                }

                (local ? result.GetLocal : result.GetForwarded).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return result;
    }

    private static async Task<(string VictimId, TimeSpan FirstCall, TimeSpan DeclaredDead)> KillAndProbeAsync(SiloProcess[] silos, string[] siloIds, IReadOnlyList<string> uploadIds)
    {
        string OwnerOf(string uploadId) => RendezvousPlacement.SelectOwner(new GrainId(UploadKeys.GrainType, UploadKeys.GrainKey("local", uploadId)), siloIds)!;
        var victimId = siloIds.MaxBy(id => uploadIds.Count(uploadId => OwnerOf(uploadId) == id))!;
        var victim = silos[Array.IndexOf(siloIds, victimId)];
        var survivors = silos.Where(silo => silo != victim).ToArray();
        var probed = uploadIds.First(uploadId => OwnerOf(uploadId) == victimId);

        await victim.KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        TimeSpan firstCall;
        for (var attempt = 0; ; attempt++)
        {
            using var response = await survivors[attempt % survivors.Length].Client.GetAsync($"/v1/uploads/{probed}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                firstCall = Stopwatch.GetElapsedTime(killedAt);
                break;
            }

            if (Stopwatch.GetElapsedTime(killedAt) > s_viewTimeout)
            {
                throw new TimeoutException($"No survivor served upload {probed} within {s_viewTimeout.TotalSeconds} s of the kill.");
            }

            await Task.Delay(10);
        }

        var expected = string.Join(' ', siloIds.Select(id => $"{id}:{(id == victimId ? "dead" : "active")}"));
        await WaitForViewsAsync(survivors, expected);
        return (victimId, firstCall, Stopwatch.GetElapsedTime(killedAt));
    }

    private static async Task WaitForViewsAsync(IReadOnlyList<SiloProcess> silos, string expected)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var views = new List<string>();
            foreach (var silo in silos)
            {
                var view = await silo.Client.GetFromJsonAsync<JsonElement>("/v1/cluster");
                views.Add(string.Join(' ', view.GetProperty("silos").EnumerateArray().Select(s => $"{s.GetProperty("siloId").GetString()}:{s.GetProperty("status").GetString()}")));
            }

            if (views.All(view => view == expected))
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > s_viewTimeout)
            {
                throw new TimeoutException($"The silos report [{string.Join("] [", views)}], not [{expected}], after {s_viewTimeout.TotalSeconds} s.");
            }

            await Task.Delay(50);
        }
    }

    private sealed class Measurements
    {
        public List<string> UploadIds { get; } = [];

        public List<double> PutLocal { get; } = [];

        public List<double> PutForwarded { get; } = [];

        public List<double> GetLocal { get; } = [];

        public List<double> GetForwarded { get; } = [];
    }
}
