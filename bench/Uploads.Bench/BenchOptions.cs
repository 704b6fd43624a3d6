using System.Globalization;

namespace Uploads.Bench;

/// <summary>What to run and how big: <c>--scenario</c>, <c>--size-mib</c>, <c>--chunk-mib</c>, <c>--concurrency</c>, <c>--runs</c>, <c>--browser-size-mib</c>, <c>--out</c>, <c>--smoke</c>.</summary>
internal sealed record BenchOptions(
    IReadOnlySet<string> Scenarios,
    int SizeMiB,
    int ChunkMiB,
    IReadOnlyList<int> Concurrency,
    int RunCount,
    int BrowserSizeMiB,
    IReadOnlyList<int> CommitChunkCounts,
    string WorkFolder,
    string OutputPath,
    bool Smoke)
{
    private static readonly string[] s_allScenarios = ["commit-cost", "ingest", "ingest-azurite", "cluster", "tus", "small-chunks", "idle-activations", "browser"];

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var smoke = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--smoke")
            {
                smoke = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown argument '{args[i]}'. Use --scenario commit-cost,ingest,ingest-azurite,cluster,tus,small-chunks,idle-activations,browser --size-mib N --browser-size-mib N --chunk-mib N --concurrency 1,4,8 --runs N --work DIR --out FILE --smoke.");
            }
        }

        return new BenchOptions(
            Get(values, "scenario", string.Join(',', s_allScenarios)).Split(',').ToHashSet(StringComparer.Ordinal),
            int.Parse(Get(values, "size-mib", smoke ? "16" : "512"), CultureInfo.InvariantCulture),
            int.Parse(Get(values, "chunk-mib", smoke ? "1" : "8"), CultureInfo.InvariantCulture),
            Get(values, "concurrency", smoke ? "1,4" : "1,4,8").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Get(values, "runs", smoke ? "1" : "3"), CultureInfo.InvariantCulture),
            int.Parse(Get(values, "browser-size-mib", smoke ? "8" : "256"), CultureInfo.InvariantCulture),
            smoke ? [10, 100] : [10, 1_000, 5_000, 10_000],
            Get(values, "work", Path.Combine(Path.GetTempPath(), "uploads-bench")),
            Get(values, "out", Path.Combine("bench", "results", "latest.json")),
            smoke);
    }

    private static string Get(Dictionary<string, string> values, string name, string fallback) =>
        values.TryGetValue(name, out var value) ? value : fallback;
}
