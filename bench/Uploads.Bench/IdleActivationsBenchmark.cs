using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// The memory of one silo process holding many idle upload activations: its resident set before and after 10,000
/// uploads are created through the API (each create activates the upload's grain, which then stays until Orleans
/// collects it as idle: 15 minutes by default, past the measurement).
/// </summary>
internal static class IdleActivationsBenchmark
{
    private const int Parallelism = 16;

    private static readonly Dictionary<string, string> s_settings = new()
    {
        ["Uploads__Limits__MaxActiveUploadsPerTenant"] = "1000000",
        ["Uploads__Limits__RequestsPerSecond"] = "1000000",
        ["Uploads__Limits__RequestBurst"] = "1000000",
        ["Uploads__Sweep__Enabled"] = "false",
    };

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var uploads = options.Smoke ? 500 : 10_000;
        var rows = new List<IReadOnlyList<string>>
        {
            await MeasureAsync(options, uploads, "server (the default)", s_settings),

            // Workstation GC collects far more often: its figure is closer to what the activations themselves hold.
            await MeasureAsync(options, uploads, "workstation", new Dictionary<string, string>(s_settings) { ["DOTNET_gcServer"] = "0" }),
        };

        report.Add(new BenchTable(
            $"Memory of one silo holding {uploads:N0} idle upload activations",
            ["GC", "activations added", "RSS before, MiB", "RSS after, MiB", "peak RSS, MiB", "bytes per activation"],
            rows,
            "RSS (VmRSS) of the silo process read from /proc after the uploads are created; the activations are counted by the silo " +
            "itself (GET /v1/cluster). No collection is forced, so the figures include garbage not yet collected."));
    }

    private static async Task<IReadOnlyList<string>> MeasureAsync(BenchOptions options, int uploads, string gc, Dictionary<string, string> settings)
    {
        var folder = IngestMeasurement.NewFolder(options, "idle-activations");
        try
        {
            await using var silo = await SiloProcess.StartAsync(folder, settings);

            // Warm-up, so the code paths are compiled and the pools made before the first reading.
            await CreateAsync(silo.Client, 100);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var before = ProcessMemory.RssBytes(silo.ProcessId);
            var activationsBefore = await ActivationCountAsync(silo.Client);

            await CreateAsync(silo.Client, uploads);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var after = ProcessMemory.RssBytes(silo.ProcessId);
            var activations = await ActivationCountAsync(silo.Client) - activationsBefore;
            return
            [
                gc,
                activations.ToString("N0", CultureInfo.InvariantCulture),
                ProcessMemory.Mib(before),
                ProcessMemory.Mib(after),
                ProcessMemory.Mib(ProcessMemory.PeakRssBytes(silo.ProcessId)),
                ((after - before) / (double)Math.Max(1, activations)).ToString("N0", CultureInfo.InvariantCulture),
            ];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task CreateAsync(HttpClient client, int count) =>
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (_, token) =>
            {
                using var response = await client.PostAsJsonAsync("/v1/uploads", new { fileName = "idle.bin", size = 1024 * 1024 }, token);
                response.EnsureSuccessStatusCode();
            });

    private static async Task<int> ActivationCountAsync(HttpClient client)
    {
        var cluster = await client.GetFromJsonAsync<JsonElement>("/v1/cluster");
        return cluster.GetProperty("silos").EnumerateArray().Where(s => s.GetProperty("self").GetBoolean()).Sum(s => s.GetProperty("activationCount").GetInt32());
    }
}
