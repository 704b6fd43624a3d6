using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// A cluster of three silo processes on loopback, Orleans on Azure Table clustering over one Azurite (blob + table)
/// that also holds the bytes and the grain state, with the default membership settings of appsettings.json.
/// (a) The cost of a remote grain call: the same requests, one at a time, sent to the silo that created the upload
/// (its grain lives there, PreferLocalPlacement: the calls are local) and to the two others (each grain call goes one
/// hop to it over Orleans' silo port), medians taken in the same run.
/// (b) Failover: the silo that created the first upload is killed with SIGKILL; a survivor is asked for that upload
/// every 10 ms until it answers, and the survivors are polled until all report the silo dead.
/// </summary>
internal static class ClusterBenchmark
{
    private const int SiloCount = 3;
    private const int ChunkSize = 64 * 1024;

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
            await using var azurite = await AzuriteProcess.StartWithTablesAsync();
            var silos = await StartClusterAsync(root, azurite);
            try
            {
                var siloIds = new string[SiloCount];
                for (var i = 0; i < SiloCount; i++)
                {
                    siloIds[i] = (await silos[i].Client.GetFromJsonAsync<JsonElement>("/v1/cluster")).GetProperty("siloId").GetString()!;
                }

                await WaitForViewsAsync(silos, string.Join(' ', siloIds.Order(StringComparer.Ordinal).Select(id => $"{id}:active")));

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
            $"Forwarded vs local grain calls: 3 silos on Orleans, Azurite blob + table, one request at a time ({options.RunCount} runs: median of per-run medians (min–max), ms)",
            ["request", "silo holding the grain (local), ms", "other silo (remote grain call), ms", "remote − local, ms", "samples per run (local / remote)"],
            [
                ["PUT chunk of 64 KiB (begin + commit are grain calls)", Stats.Format(putLocal, 2), Stats.Format(putForwarded, 2), Stats.Format(Differences(putForwarded, putLocal), 2), $"{samples.Put.Local} / {samples.Put.Forwarded}"],
                ["GET upload (one grain call)", Stats.Format(getLocal, 2), Stats.Format(getForwarded, 2), Stats.Format(Differences(getForwarded, getLocal), 2), $"{samples.Get.Local} / {samples.Get.Forwarded}"],
            ],
            "Each request goes to each of the three silos in turn; its grain calls are local on the silo that created the upload (PreferLocalPlacement put the grain there) and cross Orleans' silo-to-silo connection on the other two. Chunk bytes are staged in Azurite by the silo that receives them in every case."));
        report.Add(new BenchTable(
            "Failover: SIGKILL of a silo holding upload grains (appsettings.json membership defaults: ProbeTimeout 1 s, NumMissedProbesLimit 2, NumVotesForDeathDeclaration 1, TableRefreshTimeout 2 s, IAmAliveTablePublishTimeout 2 s)",
            ["run", "killed", "first successful call on its grain after the kill, ms", "every survivor reports it dead after, s"],
            failoverRows,
            "A survivor is asked for an upload whose grain was on the killed silo every 10 ms (503 silo_unavailable until then); the survivors declare it dead in the membership table after missed probes, and Orleans activates the grain again on a survivor."));
    }

    private static IReadOnlyList<double> Differences(IReadOnlyList<double> a, IReadOnlyList<double> b) => a.Zip(b, (x, y) => x - y).ToArray();

    private static async Task<SiloProcess[]> StartClusterAsync(string root, AzuriteProcess azurite)
    {
        var settings = SiloProcess.ClusterSettings(azurite.ConnectionString, $"bench-{Guid.NewGuid():N}");
        settings["Logging__LogLevel__Default"] = "Warning";
        var starts = Enumerable.Range(1, SiloCount).Select(_ => SiloProcess.StartAsync(root, settings)).ToArray();
        try
        {
            return await Task.WhenAll(starts);
        }
        catch (Exception) when (starts.Any(start => start.IsCompletedSuccessfully))
        {
            foreach (var start in starts.Where(start => start.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }
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
            var owner = siloIds[u % SiloCount];
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
        // Upload u was created through silo u % 3, which holds its grain: the first upload's creator is the victim.
        var victimId = siloIds[0];
        var victim = silos[0];
        var survivors = silos.Where(silo => silo != victim).ToArray();
        var probed = uploadIds[0];

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

        var expected = string.Join(' ', siloIds.Order(StringComparer.Ordinal).Select(id => $"{id}:{(id == victimId ? "dead" : "active")}"));
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
