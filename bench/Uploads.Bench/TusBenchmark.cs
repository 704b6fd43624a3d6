using System.Globalization;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// Our tus endpoint against tus-node-server (@tus/server 2.4.5) on the same store, both driven by tus-js-client 4.3.1
/// under Node with the same file: one stream, and four parallel parts (tus concatenation) where the server has it.
/// Our v1 API through the .NET client is shown beside them. The FileSystem store is compared with @tus/file-store on
/// the same disk, the AzureBlob store with @tus/azure-store on the same Azurite.
/// </summary>
internal static class TusBenchmark
{
    private const string ClientScript = "tests/node/tus-client.mjs";
    private const string ServerScript = "bench/node/tus-server.mjs";

    private const int AzurePatchBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan s_uploadTimeout = TimeSpan.FromMinutes(10);

    public static async Task RunAsync(BenchOptions options, BenchReport report)
    {
        var folder = IngestMeasurement.NewFolder(options, "tus");
        var rows = new List<IReadOnlyList<string>>();
        try
        {
            var file = Path.Combine(folder, "file.bin");
            await File.WriteAllBytesAsync(file, IngestMeasurement.RandomFile(options));
            var warmUp = Path.Combine(folder, "warm-up.bin");
            await File.WriteAllBytesAsync(warmUp, new byte[4 * 1024 * 1024]);

            await using (var ours = await SiloProcess.StartAsync(IngestMeasurement.Subfolder(folder, "silo")))
            await using (var theirs = await NodeServer.StartAsync(ServerScript, new Dictionary<string, object> { ["store"] = "file", ["directory"] = IngestMeasurement.Subfolder(folder, "tus-node-server") }))
            {
                rows.AddRange(await CompareAsync(options, "FileSystem", file, warmUp, folder, ours, theirs, patchBytes: null));
            }

            await using var azurite = await AzuriteProcess.StartAsync();
            var settings = new Dictionary<string, string>
            {
                ["Uploads__Storage__Provider"] = "AzureBlob",
                ["Uploads__Storage__AzureBlob__ConnectionString"] = azurite.ConnectionString,
            };
            await using (var ours = await SiloProcess.StartAsync(IngestMeasurement.Subfolder(folder, "silo-azure"), settings))
            await using (var theirs = await NodeServer.StartAsync(ServerScript, new Dictionary<string, object> { ["store"] = "azure", ["connectionString"] = azurite.ConnectionString, ["container"] = "tus-node-server" }))
            {
                // @tus/azure-store appends a PATCH's whole body as one append block, which the service caps (a 512 MiB PATCH fails
                // and takes the server down): tus-js-client sends 4 MiB PATCHes to both servers on this store.
                rows.AddRange(await CompareAsync(options, "Azurite", file, warmUp, folder, ours, theirs, patchBytes: AzurePatchBytes));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        report.Add(new BenchTable(
            $"tus: {options.SizeMiB} MiB, tus-js-client 4.3.1 against tus-node-server 2.4.5 and us, same store ({options.RunCount} runs: median (min–max))",
            ["store", "server", "client", "streams", "MiB/s", "ours / tus-node-server", "server peak RSS, MiB"],
            rows,
            "One stream: tus-js-client sends the file in one PATCH on the FileSystem store, in 4 MiB PATCHes on Azurite (one large PATCH " +
            "makes @tus/azure-store exceed the append-block size and crash). Four streams: `parallelUploads: 4`, four partial uploads then one " +
            "concatenation; tus-node-server's file and Azure stores do not offer concatenation. The v1 rows use our .NET client " +
            "(`UploadsClient.UploadFileAsync`, 8 MiB chunks). Ratios are taken run by run against tus-node-server with the same " +
            "number of streams, or with its one stream where it has no parallel upload. Peak RSS is the server process's VmHWM after all its runs; every process shares the machine's cores."));
    }

    private static async Task<List<IReadOnlyList<string>>> CompareAsync(BenchOptions options, string store, string file, string warmUp, string folder, SiloProcess ours, NodeServer theirs, int? patchBytes)
    {
        var oursTus = new Uri(ours.BaseAddress, "/files/");
        var theirsConcatenates = await HasConcatenationAsync(theirs.TusEndpoint);
        foreach (var endpoint in new[] { theirs.TusEndpoint, oursTus })
        {
            await UploadWithTusJsClientAsync(endpoint, warmUp, streams: 1, patchBytes);
        }

        var mebibytes = new FileInfo(file).Length / (1024.0 * 1024);
        int[] streamCounts = [1, 4];
        var theirSpeeds = streamCounts.ToDictionary(s => s, _ => new List<double>());
        var ourSpeeds = streamCounts.ToDictionary(s => s, _ => new List<double>());
        var v1Speeds = streamCounts.ToDictionary(s => s, _ => new List<double>());
        var ourRatios = streamCounts.ToDictionary(s => s, _ => new List<double>());
        var v1Ratios = streamCounts.ToDictionary(s => s, _ => new List<double>());
        for (var run = 0; run < options.RunCount; run++)
        {
            foreach (var streams in streamCounts)
            {
                if (streams == 1 || theirsConcatenates)
                {
                    try
                    {
                        theirSpeeds[streams].Add(mebibytes / await UploadWithTusJsClientAsync(theirs.TusEndpoint, file, streams, patchBytes));
                    }
                    catch (InvalidOperationException exception)
                    {
                        throw new InvalidOperationException(exception.Message + theirs.DescribeExit(), exception);
                    }
                }

                ourSpeeds[streams].Add(mebibytes / await UploadWithTusJsClientAsync(oursTus, file, streams, patchBytes));
                v1Speeds[streams].Add(mebibytes / await IngestMeasurement.UploadWithDotNetClientAsync(ours.BaseAddress, file, streams, Path.Combine(folder, $"resume-{Guid.NewGuid():N}")));
            }

            // Against the same number of streams where tus-node-server has it, else against its one stream of this run.
            foreach (var streams in streamCounts)
            {
                var baseline = theirSpeeds[streams].Count > run ? theirSpeeds[streams][run] : theirSpeeds[1][run];
                ourRatios[streams].Add(ourSpeeds[streams][run] / baseline);
                v1Ratios[streams].Add(v1Speeds[streams][run] / baseline);
            }
        }

        var theirRss = ProcessMemory.Mib(ProcessMemory.PeakRssBytes(theirs.ProcessId));
        var ourRss = ProcessMemory.Mib(ProcessMemory.PeakRssBytes(ours.ProcessId));
        var rows = new List<IReadOnlyList<string>>();
        var tusClient = patchBytes is { } bytes ? $"tus-js-client, {bytes / (1024 * 1024)} MiB PATCHes" : "tus-js-client";
        foreach (var streams in streamCounts)
        {
            var streamsText = streams.ToString(CultureInfo.InvariantCulture);
            var against = theirSpeeds[streams].Count > 0 ? "" : " (vs 1 stream)";
            rows.Add([store, "tus-node-server", tusClient, streamsText, theirSpeeds[streams].Count > 0 ? Stats.Format(theirSpeeds[streams]) : "unsupported", "", theirRss]);
            rows.Add([store, "Uploads `/files/`", tusClient, streamsText, Stats.Format(ourSpeeds[streams]), Stats.Format(ourRatios[streams], decimals: 2) + against, ourRss]);
            rows.Add([store, "Uploads v1", ".NET client", streamsText, Stats.Format(v1Speeds[streams]), Stats.Format(v1Ratios[streams], decimals: 2) + against, ourRss]);
        }

        return rows;
    }

    /// <summary>Uploads <paramref name="file"/> with tus-js-client; returns the seconds it took, as the client measured.</summary>
    private static async Task<double> UploadWithTusJsClientAsync(Uri endpoint, string file, int streams, int? patchBytes)
    {
        var result = await NodeScript.RunAsync(ClientScript, new { endpoint = endpoint.ToString(), file, parallelUploads = streams, chunkSize = patchBytes, timeoutMs = (int)s_uploadTimeout.TotalMilliseconds, metadata = new { filename = "bench.bin" } }, s_uploadTimeout + TimeSpan.FromMinutes(1));
        if (!result.GetProperty("ok").GetBoolean())
        {
            throw new InvalidOperationException($"tus-js-client failed against {endpoint}: {result}");
        }

        return result.GetProperty("elapsedMs").GetDouble() / 1000;
    }

    private static async Task<bool> HasConcatenationAsync(Uri endpoint)
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, endpoint));
        return response.Headers.TryGetValues("Tus-Extension", out var values) &&
            values.SelectMany(v => v.Split(',')).Any(e => e.Trim() == "concatenation");
    }
}
