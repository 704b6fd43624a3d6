using Uploads.Bench;

// Benchmarks print Markdown tables that compare us with a baseline measured in the same run, and write them as
// JSON. They are programs, not tests: nothing here asserts a timing.
var options = BenchOptions.Parse(args);
var report = new BenchReport(options);

if (options.Runs("commit-cost"))
{
    await CommitCostBenchmark.RunAsync(options, report);
}

if (options.Runs("ingest"))
{
    await IngestBenchmark.RunAsync(options, report);
}

if (options.Runs("cluster"))
{
    await ClusterBenchmark.RunAsync(options, report);
}

if (options.Runs("ingest-azurite"))
{
    await AzuriteIngestBenchmark.RunAsync(options, report);
}

if (options.Runs("tus"))
{
    await TusBenchmark.RunAsync(options, report);
}

if (options.Runs("small-chunks"))
{
    await SmallChunksBenchmark.RunAsync(options, report);
}

if (options.Runs("idle-activations"))
{
    await IdleActivationsBenchmark.RunAsync(options, report);
}

if (options.Runs("browser"))
{
    await BrowserBenchmark.RunAsync(options, report);
}

await report.WriteJsonAsync();
return 0;
