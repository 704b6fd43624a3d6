using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Testing;
using Xunit.Abstractions;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Uploads through a real silo process that is killed or stopped and started again on the same store: what a 200
/// acknowledged must survive, and what a restarted silo must still know.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SiloRestartTests
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;
    private const int Workers = 4;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(5);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly ITestOutputHelper _output;

    public SiloRestartTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Upload_SiloKilledMidway_ResumesAfterRestartAndDownloadsIdenticalFile()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var data = new TemporaryDirectory();
        var payload = new UploadPayload(40 * MiB, MiB);

        string uploadId;
        IReadOnlySet<int> acknowledged;
        await using (var first = await SiloProcess.StartAsync(data.FullPath, cancellationToken: cancellationToken))
        {
            var created = await first.CreateUploadAsync("resume.bin", payload, cancellationToken);
            Assert.Equal(payload.ChunkCount, created.ChunkCount);
            uploadId = created.UploadId;
            acknowledged = await SendUntilHalfAcknowledgedThenKillAsync(first, uploadId, payload, cancellationToken);
        }

        await using var second = await SiloProcess.StartAsync(data.FullPath, cancellationToken: cancellationToken);
        var resumed = await second.GetUploadAsync(uploadId, cancellationToken);
        Assert.Equal("uploading", resumed.State);
        Assert.Equal(payload.ChunkCount, resumed.ChunkCount);
        var held = HeldChunks(resumed);
        var lost = acknowledged.Where(index => !held[index]).Order().ToArray();
        Assert.True(
            lost.Length == 0,
            $"Chunks answered 200 before the kill are not in receivedChunks after the restart: [{string.Join(", ", lost)}]; " +
            $"acknowledged [{string.Join(", ", acknowledged.Order())}], receivedChunks {FormatRanges(resumed.ReceivedChunks)}.");

        var missing = Enumerable.Range(0, payload.ChunkCount).Where(index => !held[index]).ToArray();
        Assert.Equal(missing.Length == 0 ? null : missing[0], resumed.NextChunkIndex);
        Assert.Equal(payload.ChunkCount - missing.Length, resumed.ReceivedChunkCount);
        _output.WriteLine(
            $"Answered 200 before the kill: {acknowledged.Count} of {payload.ChunkCount}; held after the restart: " +
            $"{FormatRanges(resumed.ReceivedChunks)}; sending the {missing.Length} missing.");

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(missing, parallel, async (index, token) =>
            await second.PutChunkAsync(uploadId, payload, index, withDigest: index % 2 == 0, token));

        var full = await second.GetUploadAsync(uploadId, cancellationToken);
        Assert.Equal(payload.ChunkCount, full.ReceivedChunkCount);
        Assert.Equal(payload.Size, full.ReceivedBytes);
        Assert.Null(full.NextChunkIndex);
        Assert.False(full.Complete);

        var completed = await second.CompleteUploadAsync(uploadId, cancellationToken);
        Assert.Equal("completed", completed.State);
        Assert.True(completed.Complete);
        Assert.NotNull(completed.Result);
        Assert.Equal(payload.Size, completed.Result.Size);
        Assert.Equal(payload.ChunksSha256, completed.Result.ChunksSha256);
        Assert.Equal($"{SiloApiExtensions.UploadPath(uploadId)}/content", completed.Result.Location);

        using (var download = await second.Client.GetAsync(completed.Result.Location, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            await second.ExpectStatusAsync(download, HttpStatusCode.OK, cancellationToken);
            Assert.Equal(payload.Size, download.Content.Headers.ContentLength);
            await using var content = await download.Content.ReadAsStreamAsync(cancellationToken);
            var sha256 = await SHA256.HashDataAsync(content, cancellationToken);
            Assert.Equal(Convert.ToHexString(payload.Sha256), Convert.ToHexString(sha256));
        }

        using var rangeRequest = new HttpRequestMessage(HttpMethod.Get, completed.Result.Location);
        rangeRequest.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var ranged = await second.Client.SendAsync(rangeRequest, cancellationToken);
        await second.ExpectStatusAsync(ranged, HttpStatusCode.PartialContent, cancellationToken);
        Assert.Equal(new ContentRangeHeaderValue(1000, 1999, payload.Size), ranged.Content.Headers.ContentRange);
        Assert.Equal(payload.Bytes.AsSpan(1000, 1000).ToArray(), await ranged.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    [Fact]
    public async Task Download_SiloRestartedAfterCompletion_ServesSameContentAndETag()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var data = new TemporaryDirectory();
        // Four chunks of the minimum size, the last one short.
        var payload = new UploadPayload((3 * 64 * KiB) + 1234, 64 * KiB);

        string uploadId;
        UploadResultResponse result;
        string etag;
        await using (var first = await SiloProcess.StartAsync(data.FullPath, cancellationToken: cancellationToken))
        {
            uploadId = (await first.CreateUploadAsync("kept.bin", payload, cancellationToken)).UploadId;
            for (var index = 0; index < payload.ChunkCount; index++)
            {
                await first.PutChunkAsync(uploadId, payload, index, withDigest: true, cancellationToken);
            }

            var completed = await first.CompleteUploadAsync(uploadId, cancellationToken);
            Assert.NotNull(completed.Result);
            result = completed.Result;
            Assert.Equal(payload.ChunksSha256, result.ChunksSha256);

            using var download = await first.Client.GetAsync(result.Location, cancellationToken);
            await first.ExpectStatusAsync(download, HttpStatusCode.OK, cancellationToken);
            Assert.NotNull(download.Headers.ETag);
            etag = download.Headers.ETag.Tag;
            Assert.Equal($"\"{result.ETag}\"", etag);
            Assert.Equal(payload.Bytes, await download.Content.ReadAsByteArrayAsync(cancellationToken));

            await first.StopAsync(cancellationToken);
            Assert.Equal(0, first.ExitCode);
        }

        await using var second = await SiloProcess.StartAsync(data.FullPath, cancellationToken: cancellationToken);
        var status = await second.GetUploadAsync(uploadId, cancellationToken);
        Assert.Equal("completed", status.State);
        Assert.True(status.Complete);
        Assert.Equal(result, status.Result);

        // Completing again is idempotent: the same result, nothing recommitted.
        Assert.Equal(result, (await second.CompleteUploadAsync(uploadId, cancellationToken)).Result);

        using (var download = await second.Client.GetAsync(result.Location, cancellationToken))
        {
            await second.ExpectStatusAsync(download, HttpStatusCode.OK, cancellationToken);
            Assert.Equal(etag, download.Headers.ETag?.Tag);
            Assert.Equal(payload.Bytes, await download.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        using var conditional = new HttpRequestMessage(HttpMethod.Get, result.Location);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        using var notModified = await second.Client.SendAsync(conditional, cancellationToken);
        await second.ExpectStatusAsync(notModified, HttpStatusCode.NotModified, cancellationToken);
    }

    [Fact]
    public async Task PutChunk_UploadAbortedBeforeRestart_Returns410UploadAborted()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var data = new TemporaryDirectory();
        var payload = new UploadPayload(4 * 64 * KiB, 64 * KiB);

        string uploadId;
        await using (var first = await SiloProcess.StartAsync(data.FullPath, cancellationToken: cancellationToken))
        {
            uploadId = (await first.CreateUploadAsync("aborted.bin", payload, cancellationToken)).UploadId;
            await first.PutChunkAsync(uploadId, payload, 0, withDigest: true, cancellationToken);

            await first.AbortUploadAsync(uploadId, cancellationToken);
            await first.AbortUploadAsync(uploadId, cancellationToken);
            await AssertChunkRefusedAsAbortedAsync(first, uploadId, payload, 1, cancellationToken);

            await first.KillAsync(cancellationToken);
        }

        await using var second = await SiloProcess.StartAsync(data.FullPath, cancellationToken: cancellationToken);
        Assert.Equal("aborted", (await second.GetUploadAsync(uploadId, cancellationToken)).State);
        await AssertChunkRefusedAsAbortedAsync(second, uploadId, payload, 1, cancellationToken);
    }

    /// <summary>
    /// Sends chunks in index order with <see cref="Workers"/> parallel workers until half are answered 200, then kills
    /// the silo with the other workers' requests still in flight. Returns the chunks answered 200.
    /// </summary>
    private static async Task<IReadOnlySet<int>> SendUntilHalfAcknowledgedThenKillAsync(
        SiloProcess silo,
        string uploadId,
        UploadPayload payload,
        CancellationToken cancellationToken)
    {
        var half = payload.ChunkCount / 2;
        var acknowledged = new ConcurrentDictionary<int, bool>();
        var unexpected = new ConcurrentQueue<string>();
        var halfAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextIndex = -1;

        async Task SendAsync()
        {
            // Bounded by the chunk count: each index is taken once.
            while (!killing.Task.IsCompleted)
            {
                var index = Interlocked.Increment(ref nextIndex);
                if (index >= payload.ChunkCount)
                {
                    return;
                }

                try
                {
                    using var response = await silo.SendChunkAsync(
                        uploadId, payload, index, withDigest: index % 2 == 0, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        // An answer, not a broken connection: the silo said this before it was killed.
                        unexpected.Enqueue($"PUT chunk {index} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                        continue;
                    }

                    // The status line is the acknowledgement; from here on the chunk must survive any crash.
                    acknowledged.TryAdd(index, true);
                    if (acknowledged.Count >= half)
                    {
                        halfAcknowledged.TrySetResult();
                    }

                    var upload = await response.Content.ReadFromJsonAsync<UploadResponse>(s_json, cancellationToken);
                    var wrong = upload is null ? "a null body" : SiloApiExtensions.DescribeWrongReceipt(upload, payload, index);
                    if (wrong is not null)
                    {
                        unexpected.Enqueue($"PUT chunk {index} answered 200 with {wrong}");
                    }
                }
                catch (Exception exception) when (
                    killing.Task.IsCompleted &&
                    !cancellationToken.IsCancellationRequested &&
                    exception is HttpRequestException or IOException or JsonException or OperationCanceledException)
                {
                    // The kill broke this request; only chunks answered 200 count as sent.
                    return;
                }
            }
        }

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(SendAsync, cancellationToken)).ToArray();
        var allWorkers = Task.WhenAll(workers);
        await Task.WhenAny(halfAcknowledged.Task, allWorkers).WaitAsync(cancellationToken);
        if (!halfAcknowledged.Task.IsCompleted)
        {
            // Every worker stopped (or failed) before half the chunks were acknowledged: surface why.
            await allWorkers;
            Assert.Fail($"Only {acknowledged.Count} of {payload.ChunkCount} chunks were acknowledged: {string.Join("; ", unexpected)}{silo.DescribeOutput()}");
        }

        killing.TrySetResult();
        await silo.KillAsync(cancellationToken);
        await allWorkers.WaitAsync(cancellationToken);

        Assert.True(unexpected.IsEmpty, $"Unexpected answers before the kill: {string.Join("; ", unexpected)}{silo.DescribeOutput()}");
        return acknowledged.Keys.ToHashSet();
    }

    private static async Task AssertChunkRefusedAsAbortedAsync(
        SiloProcess silo,
        string uploadId,
        UploadPayload payload,
        int index,
        CancellationToken cancellationToken)
    {
        using var response = await silo.SendChunkAsync(uploadId, payload, index, withDigest: false, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var problem = await silo.ReadProblemAsync(response, HttpStatusCode.Gone, cancellationToken);
        Assert.Equal("upload_aborted", problem.Code);
    }

    /// <summary>Which chunks <c>receivedChunks</c> says are held, after checking its ranges are sorted, disjoint and in bounds.</summary>
    private static bool[] HeldChunks(UploadResponse upload)
    {
        var held = new bool[upload.ChunkCount];
        var previousLast = -1;
        foreach (var range in upload.ReceivedChunks)
        {
            Assert.True(
                range is [var first, var last] && first > previousLast && first <= last && last < upload.ChunkCount,
                $"receivedChunks {FormatRanges(upload.ReceivedChunks)} is not a sorted list of disjoint [first, last] ranges within 0..{upload.ChunkCount - 1}.");
            Array.Fill(held, true, range[0], range[1] - range[0] + 1);
            previousLast = range[1];
        }

        return held;
    }

    private static string FormatRanges(int[][] ranges) => $"[{string.Join(", ", ranges.Select(range => $"[{string.Join(", ", range)}]"))}]";
}
