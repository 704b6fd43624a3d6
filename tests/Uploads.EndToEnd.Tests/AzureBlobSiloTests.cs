using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Grains;
using Uploads.Storage.AzureBlob;
using Uploads.Testing;
using Xunit.Abstractions;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Uploads through a real silo process whose storage is Azurite (the AzureBlob provider over REST): a silo killed and
/// started again, and the storage stopped and started again, mid-upload.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class AzureBlobSiloTests
{
    private const int MiB = 1024 * 1024;
    private const int Workers = 4;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(5);

    // How long a chunk may take to be refused while the storage is down: the client's retries take about two seconds;
    // the rest is slack for a busy two-core machine. Minutes would mean the retries are unbounded.
    private static readonly TimeSpan s_refusalBound = TimeSpan.FromSeconds(15);

    private readonly ITestOutputHelper _output;

    public AzureBlobSiloTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Upload_SiloKilledMidway_ResumesAfterRestartAndDownloadsIdenticalFile()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var azurite = await AzuriteProcess.StartAsync(cancellationToken);
        using var data = new TemporaryDirectory();
        var settings = AzureBlobSettings(azurite);
        var payload = new UploadPayload(24 * MiB, MiB);

        string uploadId;
        IReadOnlySet<int> acknowledged;
        await using (var first = await SiloProcess.StartAsync(data.FullPath, settings, cancellationToken))
        {
            uploadId = (await first.CreateUploadAsync("resume.bin", payload, cancellationToken)).UploadId;
            acknowledged = await SendUntilHalfAcknowledgedThenKillAsync(first, uploadId, payload, cancellationToken);
        }

        await using var second = await SiloProcess.StartAsync(data.FullPath, settings, cancellationToken);
        var resumed = await second.GetUploadAsync(uploadId, cancellationToken);
        Assert.Equal("uploading", resumed.State);
        var held = HeldChunks(resumed);
        var lost = acknowledged.Where(index => !held[index]).Order().ToArray();
        Assert.True(lost.Length == 0, $"Chunks answered 200 before the kill are missing after the restart: [{string.Join(", ", lost)}].");

        var missing = Enumerable.Range(0, payload.ChunkCount).Where(index => !held[index]).ToArray();
        _output.WriteLine($"Answered 200 before the kill: {acknowledged.Count} of {payload.ChunkCount}; sending the {missing.Length} missing.");
        await Parallel.ForEachAsync(
            missing,
            new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = cancellationToken },
            async (index, token) => await second.PutChunkAsync(uploadId, payload, index, withDigest: index % 2 == 0, token));

        await CompleteAndVerifyAsync(second, azurite, uploadId, payload, cancellationToken);
    }

    [Fact]
    public async Task PutChunk_AzuriteStoppedMidUpload_Answers503WithRetryAfterThenResumesOnceItIsBack()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var azurite = await AzuriteProcess.StartAsync(cancellationToken);
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(data.FullPath, AzureBlobSettings(azurite), cancellationToken);
        var payload = new UploadPayload(16 * MiB, MiB);
        var uploadId = (await silo.CreateUploadAsync("outage.bin", payload, cancellationToken)).UploadId;

        // Half the chunks while the storage is up.
        var firstHalf = Enumerable.Range(0, payload.ChunkCount / 2).ToArray();
        await Parallel.ForEachAsync(
            firstHalf,
            new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = cancellationToken },
            async (index, token) => await silo.PutChunkAsync(uploadId, payload, index, withDigest: true, token));

        // The storage goes away while chunks are in flight: each answer is 200 or a quick 503, never a 500.
        var acknowledged = new ConcurrentDictionary<int, bool>();
        var refusals = new ConcurrentBag<TimeSpan>();
        var unexpected = new ConcurrentQueue<string>();
        var secondHalf = Enumerable.Range(payload.ChunkCount / 2, payload.ChunkCount - (payload.ChunkCount / 2)).ToArray();
        var sending = Parallel.ForEachAsync(
            secondHalf,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await silo.SendChunkAsync(uploadId, payload, index, withDigest: true, HttpCompletionOption.ResponseContentRead, token);
                var elapsed = Stopwatch.GetElapsedTime(started);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        acknowledged.TryAdd(index, true);
                        break;
                    case HttpStatusCode.ServiceUnavailable:
                        var problem = await silo.ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable, token);
                        if (problem.Code != "storage_unavailable" || response.Headers.RetryAfter is null)
                        {
                            unexpected.Enqueue($"chunk {index}: 503 with code {problem.Code} and Retry-After {response.Headers.RetryAfter}");
                        }

                        refusals.Add(elapsed);
                        break;
                    default:
                        unexpected.Enqueue($"chunk {index}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}");
                        break;
                }
            });
        await azurite.StopAsync(cancellationToken);
        await sending;

        // And while it is down, for certain: the next chunk is refused too.
        var refusedIndex = secondHalf.FirstOrDefault(index => !acknowledged.ContainsKey(index), -1);
        if (refusedIndex >= 0)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await silo.SendChunkAsync(uploadId, payload, refusedIndex, withDigest: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var problem = await silo.ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable, cancellationToken);
            Assert.Equal("storage_unavailable", problem.Code);
            Assert.NotNull(response.Headers.RetryAfter);
            refusals.Add(Stopwatch.GetElapsedTime(started));
        }

        Assert.True(unexpected.IsEmpty, $"Unexpected answers while the storage was stopped: {string.Join("; ", unexpected)}{silo.DescribeOutput()}");
        Assert.NotEmpty(refusals);
        Assert.All(refusals, elapsed => Assert.InRange(elapsed, TimeSpan.Zero, s_refusalBound));
        _output.WriteLine($"While stopped: {acknowledged.Count} chunks answered 200, {refusals.Count} refused, slowest refusal {refusals.Max().TotalSeconds:0.0} s.");

        await azurite.RestartAsync(cancellationToken);

        var resumed = await silo.GetUploadAsync(uploadId, cancellationToken);
        var held = HeldChunks(resumed);
        var lost = firstHalf.Concat(acknowledged.Keys).Where(index => !held[index]).Order().ToArray();
        Assert.True(lost.Length == 0, $"Chunks answered 200 are missing after the outage: [{string.Join(", ", lost)}].");
        foreach (var index in Enumerable.Range(0, payload.ChunkCount).Where(index => !held[index]))
        {
            await silo.PutChunkAsync(uploadId, payload, index, withDigest: index % 2 == 0, cancellationToken);
        }

        await CompleteAndVerifyAsync(silo, azurite, uploadId, payload, cancellationToken);
    }

    private static Dictionary<string, string> AzureBlobSettings(AzuriteProcess azurite) => new()
    {
        ["Uploads__Storage__Provider"] = "AzureBlob",
        ["Uploads__Storage__AzureBlob__ConnectionString"] = azurite.ConnectionString,
    };

    private async Task CompleteAndVerifyAsync(SiloProcess silo, AzuriteProcess azurite, string uploadId, UploadPayload payload, CancellationToken cancellationToken)
    {
        var completed = await silo.CompleteUploadAsync(uploadId, cancellationToken);
        Assert.Equal("completed", completed.State);
        Assert.NotNull(completed.Result);
        Assert.Equal(payload.Size, completed.Result.Size);
        Assert.Equal(payload.ChunksSha256, completed.Result.ChunksSha256);

        using (var download = await silo.Client.GetAsync(completed.Result.Location, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            await silo.ExpectStatusAsync(download, HttpStatusCode.OK, cancellationToken);
            Assert.Equal(payload.Size, download.Content.Headers.ContentLength);
            await using var content = await download.Content.ReadAsStreamAsync(cancellationToken);
            Assert.Equal(Convert.ToHexString(payload.Sha256), Convert.ToHexString(await SHA256.HashDataAsync(content, cancellationToken)));
        }

        // The bytes and the state are in Azurite, not in the silo's data folder.
        var connection = AzureBlobConnection.Create(new AzureBlobStorageOptions { ConnectionString = azurite.ConnectionString }, credential: null);
        var state = new AzureBlobGrainStateStore(connection, NullLogger<AzureBlobGrainStateStore>.Instance);
        var blobName = UploadKeys.GrainKey("local", uploadId);

        // Orleans' Azure Blob grain storage names a state's blob {state name}-{grain id}.json.
        var manifest = $"{UploadKeys.ManifestStateName}-{UploadKeys.UploadGrainId(blobName)}.json";
        var prefix = $"{UploadKeys.ManifestStateName}-{UploadKeys.GrainType}/{UploadKeys.TenantSegment("local")}/";
        Assert.Contains(manifest, await state.ListKeysAsync(prefix, startAfter: null, limit: 100, cancellationToken));
        var blocks = new AzureBlobBlockStore(connection, TimeProvider.System, NullLogger<AzureBlobBlockStore>.Instance);
        var blob = await blocks.GetPropertiesAsync(blobName, cancellationToken);
        Assert.NotNull(blob);
        Assert.Equal(payload.Size, blob.Length);
        Assert.Equal(completed.Result.ETag, blob.ETag);
        Assert.Empty(await blocks.ListStagedBlocksAsync(blobName, cancellationToken));
        _output.WriteLine($"Committed {blob.Length} bytes to {blocks.Container}/{blobName} at {connection.BlobEndpoint}.");
    }

    /// <summary>Sends chunks with <see cref="Workers"/> workers until half are answered 200, then kills the silo mid-flight.</summary>
    private static async Task<IReadOnlySet<int>> SendUntilHalfAcknowledgedThenKillAsync(
        SiloProcess silo,
        string uploadId,
        UploadPayload payload,
        CancellationToken cancellationToken)
    {
        var acknowledged = new ConcurrentDictionary<int, bool>();
        var unexpected = new ConcurrentQueue<string>();
        var halfAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextIndex = -1;

        async Task SendAsync()
        {
            while (!killing.Task.IsCompleted)
            {
                var index = Interlocked.Increment(ref nextIndex);
                if (index >= payload.ChunkCount)
                {
                    return;
                }

                try
                {
                    using var response = await silo.SendChunkAsync(uploadId, payload, index, withDigest: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        unexpected.Enqueue($"PUT chunk {index} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                        continue;
                    }

                    // The status line is the acknowledgement: from here on the chunk must survive the kill.
                    acknowledged.TryAdd(index, true);
                    if (acknowledged.Count >= payload.ChunkCount / 2)
                    {
                        halfAcknowledged.TrySetResult();
                    }
                }
                catch (Exception exception) when (
                    killing.Task.IsCompleted && !cancellationToken.IsCancellationRequested && exception is HttpRequestException or IOException or OperationCanceledException)
                {
                    return;
                }
            }
        }

        var workers = Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(SendAsync, cancellationToken)));
        await Task.WhenAny(halfAcknowledged.Task, workers).WaitAsync(cancellationToken);
        if (!halfAcknowledged.Task.IsCompleted)
        {
            await workers;
            Assert.Fail($"Only {acknowledged.Count} of {payload.ChunkCount} chunks were acknowledged: {string.Join("; ", unexpected)}{silo.DescribeOutput()}");
        }

        killing.TrySetResult();
        await silo.KillAsync(cancellationToken);
        await workers.WaitAsync(cancellationToken);
        Assert.True(unexpected.IsEmpty, $"Unexpected answers before the kill: {string.Join("; ", unexpected)}{silo.DescribeOutput()}");
        return acknowledged.Keys.ToHashSet();
    }

    private static bool[] HeldChunks(UploadResponse upload)
    {
        var held = new bool[upload.ChunkCount];
        foreach (var range in upload.ReceivedChunks)
        {
            Array.Fill(held, true, range[0], range[1] - range[0] + 1);
        }

        return held;
    }
}
