using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Testing;
using Xunit.Abstractions;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Three real silo processes on loopback forming one Orleans cluster on one Azurite (blob + table), with requests
/// spread at random over them as a plain load balancer would: one silo is killed (SIGKILL) or stopped (SIGTERM)
/// part-way, and every upload must still complete byte-identical, with clients seeing nothing worse than retryable
/// errors. The silos run the default membership settings of appsettings.json: what the 15-second bound is about.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class ClusterTests
{
    private const int KiB = 1024;
    private const int SiloCount = 3;
    private const int UploadCount = 6;
    private const int ChunksPerUpload = 12;
    private const int Workers = 4;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(2);

    // The failover bound: calls for a killed silo's uploads succeed on the survivors within 15 seconds.
    private static readonly TimeSpan s_takeoverBound = TimeSpan.FromSeconds(15);

    private readonly ITestOutputHelper _output;

    public ClusterTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Upload_ThreeSilosOnOneAzuriteOneKilled_EveryUploadCompletesIdenticalAndSurvivorsAgree()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var data = new TemporaryDirectory();
        await using var azurite = await AzuriteProcess.StartWithTablesAsync(cancellationToken);
        await using var cluster = await SiloCluster.StartAsync(SiloCount, azurite, data.FullPath, cancellationToken);
        var client = new ClusterClient(cluster.Silos);
        var payloads = Enumerable.Range(0, UploadCount).Select(_ => new UploadPayload((ChunksPerUpload * 64 * KiB) - 1000, 64 * KiB)).ToArray();
        var (uploadIds, creators) = await CreateUploadsAsync(client, payloads, cancellationToken);

        // An upload's grain lives on the silo that took its create (PreferLocalPlacement): the victim is the silo that
        // took the most, and the probe watches one of its uploads.
        var victim = cluster.Silos.MaxBy(silo => creators.Count(creator => creator == silo))!;
        var victimId = cluster.SiloIdOf(victim);
        var survivors = cluster.Silos.Where(silo => silo != victim).ToArray();
        var probedUpload = uploadIds[Array.IndexOf(creators, victim)];

        var killed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var kill = Task.Run(
            async () =>
            {
                await killed.Task.WaitAsync(cancellationToken);
                await victim.KillAsync(cancellationToken);
            },
            cancellationToken);
        var firstCallAfterKill = Task.Run(() => ProbeUntilServedAsync(survivors, probedUpload, killed.Task, cancellationToken), cancellationToken);

        await SendAllChunksAsync(client, uploadIds, payloads, onAcknowledged: count =>
        {
            if (count == uploadIds.Length * ChunksPerUpload / 2)
            {
                killed.TrySetResult(Stopwatch.GetTimestamp());
            }
        }, cancellationToken);
        await kill;
        var takeover = await firstCallAfterKill;
        var killedAt = await killed.Task;

        await AssertSurvivorsAgreeAsync(survivors, uploadIds, cancellationToken);
        await CompleteAndCompareAsync(new ClusterClient(survivors), uploadIds, payloads, cancellationToken);
        await AssertSurvivorsAgreeAsync(survivors, uploadIds, cancellationToken);
        await SiloCluster.WaitForViewsAsync(survivors, cluster.Expected(dead: [victim]), s_takeoverBound, cancellationToken);
        var declaredDead = Stopwatch.GetElapsedTime(killedAt);

        Assert.Empty(client.Unexpected);
        Assert.True(takeover < s_takeoverBound, $"The first call on a grain of the killed silo succeeded only {takeover.TotalSeconds:F1} s after the kill.");
        _output.WriteLine(
            $"SIGKILL of {victimId} (it created {creators.Count(creator => creator == victim)} of {UploadCount} uploads): first successful call on " +
            $"its upload {takeover.TotalMilliseconds:F0} ms after the kill; every survivor reported it dead {declaredDead.TotalSeconds:F1} s after it; " +
            $"{client.Retries} retried attempts.");
    }

    [Fact]
    public async Task Stop_SiloGetsSigterm_LeavesTheClusterWhileUploadsGoOnWithRetryableErrorsAtMost()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var data = new TemporaryDirectory();
        await using var azurite = await AzuriteProcess.StartWithTablesAsync(cancellationToken);
        await using var cluster = await SiloCluster.StartAsync(SiloCount, azurite, data.FullPath, cancellationToken);
        var client = new ClusterClient(cluster.Silos);
        var payloads = Enumerable.Range(0, 3).Select(_ => new UploadPayload(ChunksPerUpload * 64 * KiB, 64 * KiB)).ToArray();
        var (uploadIds, creators) = await CreateUploadsAsync(client, payloads, cancellationToken);

        // The silo that holds the most upload grains leaves: Orleans' graceful shutdown deactivates them there.
        var leaving = cluster.Silos.MaxBy(silo => creators.Count(creator => creator == silo))!;
        var survivors = cluster.Silos.Where(silo => silo != leaving).ToArray();

        var stopped = 0;
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exitCode = Task.Run(
            async () =>
            {
                await stop.Task.WaitAsync(cancellationToken);
                var started = Stopwatch.GetTimestamp();
                await leaving.StopAsync(cancellationToken);
                Volatile.Write(ref stopped, 1);
                return (leaving.ExitCode, Stopwatch.GetElapsedTime(started));
            },
            cancellationToken);
        await SendAllChunksAsync(client, uploadIds, payloads, onAcknowledged: count =>
        {
            if (count == uploadIds.Length * ChunksPerUpload / 3)
            {
                stop.TrySetResult();
            }
        }, cancellationToken);

        var (code, stopping) = await exitCode;
        Assert.Equal(0, code);
        Assert.Equal(1, Volatile.Read(ref stopped));

        // Left, not suspected: it wrote its own record dead as it shut down, so the survivors list it dead at once.
        await SiloCluster.WaitForViewsAsync(survivors, cluster.Expected(dead: [leaving]), TimeSpan.FromSeconds(5), cancellationToken);
        await CompleteAndCompareAsync(new ClusterClient(survivors), uploadIds, payloads, cancellationToken);
        await AssertSurvivorsAgreeAsync(survivors, uploadIds, cancellationToken);
        Assert.Empty(client.Unexpected);
        _output.WriteLine(
            $"SIGTERM: exit code 0 after {stopping.TotalSeconds:F1} s; {client.Retries} retried attempts while {cluster.SiloIdOf(leaving)} left.");
    }

    /// <summary>Asks every survivor for every upload: each must answer 200 with the same resource, byte for byte.</summary>
    private static async Task AssertSurvivorsAgreeAsync(IReadOnlyList<SiloProcess> survivors, string[] uploadIds, CancellationToken cancellationToken)
    {
        foreach (var uploadId in uploadIds)
        {
            var answers = new List<string>();
            foreach (var survivor in survivors)
            {
                using var response = await new ClusterClient([survivor]).SendAsync(
                    () => new HttpRequestMessage(HttpMethod.Get, SiloApiExtensions.UploadPath(uploadId)),
                    HttpStatusCode.OK,
                    cancellationToken);
                answers.Add(await response.Content.ReadAsStringAsync(cancellationToken));
            }

            Assert.True(answers.Distinct(StringComparer.Ordinal).Count() == 1, $"The survivors disagree on upload {uploadId}: {string.Join(" | ", answers)}");
        }
    }

    /// <summary>After the kill, asks a survivor for the upload every 20 ms until one answers 200; returns the time since the kill.</summary>
    private static async Task<TimeSpan> ProbeUntilServedAsync(
        IReadOnlyList<SiloProcess> survivors,
        string uploadId,
        Task<long> killed,
        CancellationToken cancellationToken)
    {
        var killedAt = await killed.WaitAsync(cancellationToken);
        while (true)
        {
            var silo = survivors[Random.Shared.Next(survivors.Count)];
            using (var response = await silo.Client.GetAsync(SiloApiExtensions.UploadPath(uploadId), cancellationToken))
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Stopwatch.GetElapsedTime(killedAt);
                }

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>Creates the uploads, each through a silo picked at random; returns their ids and the silo that created each.</summary>
    private static async Task<(string[] UploadIds, SiloProcess[] Creators)> CreateUploadsAsync(
        ClusterClient client,
        UploadPayload[] payloads,
        CancellationToken cancellationToken)
    {
        var uploadIds = new string[payloads.Length];
        var creators = new SiloProcess[payloads.Length];
        for (var i = 0; i < payloads.Length; i++)
        {
            var body = new { fileName = $"cluster-{i}.bin", size = payloads[i].Size, chunkSize = payloads[i].ChunkSize };
            var (response, silo) = await client.SendToAnyAsync(
                () => new HttpRequestMessage(HttpMethod.Post, "/v1/uploads") { Content = JsonContent.Create(body) },
                HttpStatusCode.Created,
                cancellationToken);
            using (response)
            {
                uploadIds[i] = (await SiloCluster.ReadAsync<UploadResponse>(response, cancellationToken))!.UploadId;
                creators[i] = silo;
            }
        }

        return (uploadIds, creators);
    }

    /// <summary>Sends every chunk of every upload with <see cref="Workers"/> workers, reporting each acknowledgement's count.</summary>
    private static async Task SendAllChunksAsync(
        ClusterClient client,
        string[] uploadIds,
        UploadPayload[] payloads,
        Action<int> onAcknowledged,
        CancellationToken cancellationToken)
    {
        var work = new ConcurrentQueue<(int Upload, int Chunk)>(
            Enumerable.Range(0, payloads[0].ChunkCount).SelectMany(chunk => Enumerable.Range(0, uploadIds.Length).Select(upload => (upload, chunk))));
        var acknowledged = 0;
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(
            async () =>
            {
                while (work.TryDequeue(out var item))
                {
                    var payload = payloads[item.Upload];
                    using var response = await client.SendAsync(
                        () => ChunkRequest(uploadIds[item.Upload], payload, item.Chunk),
                        HttpStatusCode.OK,
                        cancellationToken);
                    var upload = await SiloCluster.ReadAsync<UploadResponse>(response, cancellationToken);
                    Assert.True(upload is not null, "A chunk answered 200 with no body.");
                    Assert.Null(SiloApiExtensions.DescribeWrongReceipt(upload, payload, item.Chunk));
                    onAcknowledged(Interlocked.Increment(ref acknowledged));
                }
            },
            cancellationToken)).ToArray();
        await Task.WhenAll(workers);
    }

    private static HttpRequestMessage ChunkRequest(string uploadId, UploadPayload payload, int index)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"{SiloApiExtensions.UploadPath(uploadId)}/chunks/{index}")
        {
            Content = new ReadOnlyMemoryContent(payload.Chunk(index)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{payload.ChunkSha256(index)}:");
        return request;
    }

    private static async Task CompleteAndCompareAsync(ClusterClient client, string[] uploadIds, UploadPayload[] payloads, CancellationToken cancellationToken)
    {
        for (var i = 0; i < uploadIds.Length; i++)
        {
            var path = SiloApiExtensions.UploadPath(uploadIds[i]);
            using (var status = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), HttpStatusCode.OK, cancellationToken))
            {
                var upload = await SiloCluster.ReadAsync<UploadResponse>(status, cancellationToken);
                Assert.Equal(payloads[i].ChunkCount, upload!.ReceivedChunkCount);
            }

            using (var completed = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"{path}/complete"), HttpStatusCode.OK, cancellationToken))
            {
                var upload = await SiloCluster.ReadAsync<UploadResponse>(completed, cancellationToken);
                Assert.Equal("completed", upload!.State);
                Assert.Equal(payloads[i].ChunksSha256, upload.Result!.ChunksSha256);
            }

            using var content = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{path}/content"), HttpStatusCode.OK, cancellationToken);
            Assert.Equal(payloads[i].Bytes, await content.Content.ReadAsByteArrayAsync(cancellationToken));
        }
    }
}
