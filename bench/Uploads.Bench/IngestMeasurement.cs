using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Client;
using Uploads.Storage;
using Uploads.Testing;

namespace Uploads.Bench;

/// <summary>
/// What both ingest benchmarks do, whatever the store: the same random file, the same chunks and concurrency, one
/// unmeasured warm-up pass, then each run measures (a) the store taking the chunks directly and (b) the HTTP API
/// taking them into a silo process on the same store, so the ratio b/a is taken within one run.
/// </summary>
internal static class IngestMeasurement
{
    /// <summary>A file of <see cref="BenchOptions.SizeMiB"/> random bytes.</summary>
    public static byte[] RandomFile(BenchOptions options)
    {
        var file = new byte[(long)options.SizeMiB * 1024 * 1024];
        Random.Shared.NextBytes(file);
        return file;
    }

    /// <summary>
    /// Measures one concurrency level and returns its table row: concurrency, (a) MiB/s, (b) MiB/s, b/a, (b) seconds and
    /// the silo's peak RSS. <paramref name="stageDirectly"/> takes a file and the concurrency and returns the seconds (a) took.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MeasureAsync(
        BenchOptions options,
        byte[] file,
        int concurrency,
        SiloProcess silo,
        Func<byte[], int, Task<double>> stageDirectly)
    {
        var chunkSize = options.ChunkMiB * 1024 * 1024;
        var warmUp = file.AsMemory(0, (int)Math.Min(file.LongLength, 4L * chunkSize)).ToArray();
        await stageDirectly(warmUp, concurrency);
        await UploadOverHttpAsync(silo.Client, warmUp, chunkSize, concurrency);

        var direct = new List<double>();
        var http = new List<double>();
        var ratios = new List<double>();
        var seconds = new List<double>();
        var mebibytes = file.LongLength / (1024.0 * 1024);
        for (var run = 0; run < options.RunCount; run++)
        {
            var directSeconds = await stageDirectly(file, concurrency);
            var httpSeconds = await UploadOverHttpAsync(silo.Client, file, chunkSize, concurrency);
            direct.Add(mebibytes / directSeconds);
            http.Add(mebibytes / httpSeconds);
            ratios.Add(directSeconds / httpSeconds);
            seconds.Add(httpSeconds);
        }

        var peakRss = ProcessMemory.PeakRssBytes(silo.ProcessId);
        return
        [
            concurrency.ToString(CultureInfo.InvariantCulture),
            Stats.Format(direct),
            Stats.Format(http),
            Stats.Format(ratios, decimals: 2),
            Stats.Format(seconds, decimals: 2),
            (peakRss / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>The columns of the rows <see cref="MeasureAsync"/> returns.</summary>
    public static IReadOnlyList<string> Columns(string direct) =>
        ["concurrency", $"(a) {direct}, MiB/s", "(b) HTTP API, MiB/s", "b/a", "(b) seconds, create to complete", "silo peak RSS, MiB"];

    /// <summary>Stages every chunk of <paramref name="file"/> as a block of <paramref name="blobName"/>; returns the block ids in order.</summary>
    public static async Task<string[]> StageAllAsync(IBlockStore blocks, string blobName, byte[] file, int chunkSize, int concurrency)
    {
        var blockIds = Enumerable.Range(0, ChunkCount(file, chunkSize)).Select(index => $"{index:D5}-block").ToArray();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, blockIds.Length),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (index, token) =>
            {
                var length = ChunkLength(file, chunkSize, index);
                using var content = new MemoryStream(file, index * chunkSize, length, writable: false);
                await blocks.StageBlockAsync(blobName, blockIds[index], content, length, cancellationToken: token);
            });
        return blockIds;
    }

    /// <summary>Creates an upload, PUTs every chunk with <paramref name="concurrency"/> at once, completes it; returns the seconds.</summary>
    public static async Task<double> UploadOverHttpAsync(HttpClient client, byte[] file, int chunkSize, int concurrency)
    {
        var stopwatch = Stopwatch.StartNew();
        using var created = await client.PostAsJsonAsync("/v1/uploads", new { fileName = "bench.bin", size = file.LongLength, chunkSize });
        created.EnsureSuccessStatusCode();
        var uploadId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uploadId").GetString();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ChunkCount(file, chunkSize)),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (index, token) =>
            {
                using var content = new ReadOnlyMemoryContent(file.AsMemory(index * chunkSize, ChunkLength(file, chunkSize, index)));
                using var response = await client.PutAsync($"/v1/uploads/{uploadId}/chunks/{index}", content, token);
                response.EnsureSuccessStatusCode();
            });
        using var completed = await client.PostAsync($"/v1/uploads/{uploadId}/complete", content: null);
        completed.EnsureSuccessStatusCode();
        return stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Uploads <paramref name="file"/> with the .NET client (<c>UploadsClient.UploadFileAsync</c>); returns the seconds it took.</summary>
    public static async Task<double> UploadWithDotNetClientAsync(Uri server, string file, int parallelism, string resumeDirectory) =>
        (await UploadWithDotNetClientMeasuredAsync(server, file, parallelism, resumeDirectory)).Seconds;

    /// <summary>As <see cref="UploadWithDotNetClientAsync"/>, with the completed upload.</summary>
    public static async Task<(double Seconds, UploadResource Upload)> UploadWithDotNetClientMeasuredAsync(Uri server, string file, int parallelism, string resumeDirectory)
    {
        using var client = new UploadsClient(server, new UploadsClientOptions { ResumeDirectory = resumeDirectory });
        var stopwatch = Stopwatch.StartNew();
        var upload = await client.UploadFileAsync(file, new UploadFileOptions { Parallelism = parallelism });
        return (stopwatch.Elapsed.TotalSeconds, upload);
    }

    /// <summary>A fresh folder under the benchmark's work folder.</summary>
    public static string NewFolder(BenchOptions options, string name)
    {
        var path = Path.Combine(options.WorkFolder, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A folder inside a scenario's folder, so it goes when the scenario deletes its own.</summary>
    public static string Subfolder(string folder, string name) => Directory.CreateDirectory(Path.Combine(folder, name)).FullName;

    private static int ChunkCount(byte[] file, int chunkSize) => (int)((file.LongLength + chunkSize - 1) / chunkSize);

    private static int ChunkLength(byte[] file, int chunkSize, int index) =>
        (int)Math.Min(chunkSize, file.LongLength - ((long)index * chunkSize));
}
