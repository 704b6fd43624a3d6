using System.Collections.Concurrent;
using Uploads.Client.Tests.Fakes;

namespace Uploads.Client.Tests;

/// <summary>
/// <see cref="UploadsClient.UploadFileAsync"/> against a real silo process: resuming after a pause, starting over for
/// a changed file, surviving a flaky network, and refusing to report success for content that does not verify.
/// The chunk PUTs the server answered are counted by a recording handler in the client's pipeline.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class UploadFileTests
{
    private const int ChunkSize = TestFiles.MinChunkSize;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task UploadFileAsync_NewFile_SendsEachChunkOnceVerifiesAndForgetsTheResumeRecord()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("new.bin");
        var content = TestFiles.WriteRandom(path, (20 * ChunkSize) + 1234);
        var client = fixture.CreateRecordedClient(out var recorder);
        var reports = new ConcurrentQueue<UploadProgress>();

        var upload = await client.UploadFileAsync(
            path,
            new UploadFileOptions { ChunkSize = ChunkSize, Parallelism = 3, ContentType = "application/x-test", Metadata = new Dictionary<string, string> { ["project"] = "p-1" } },
            new SynchronousProgress<UploadProgress>(reports.Enqueue),
            cancellationToken);

        Assert.Equal(UploadState.Completed, upload.State);
        Assert.Equal("new.bin", upload.FileName);
        Assert.Equal("application/x-test", upload.ContentType);
        Assert.Equal("p-1", upload.Metadata["project"]);
        Assert.Equal(TestFiles.ChunksSha256(content, ChunkSize), upload.Result!.ChunksSha256);
        Assert.Equal(Enumerable.Range(0, 21), recorder.AcknowledgedChunks.Order());
        Assert.Equal(21, recorder.ChunkPuts.Count);
        Assert.Empty(await client.ResumeStore.GetRecordsAsync(cancellationToken));

        var last = reports.Last();
        Assert.Equal(content.Length, last.TotalBytes);
        Assert.Equal(content.Length, last.BytesAcknowledged);
        Assert.Equal(21, last.ChunksAcknowledged);
        Assert.Equal(0, last.ResumedBytes);
        Assert.All(reports, report => Assert.InRange(report.BytesAcknowledged, 0, report.BytesSent));
        Assert.Equal(await DownloadAsync(client, upload.UploadId, cancellationToken), content);
    }

    [Fact]
    public async Task UploadFileAsync_CancelledHalfwayThenResumed_SendsOnlyTheMissingChunks()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("resume.bin");
        const int ChunkCount = 48;
        var content = TestFiles.WriteRandom(path, (ChunkCount * ChunkSize) - 100);

        var (uploadId, firstAttempt) = await UploadUntilHalfAcknowledgedAsync(fixture, path, cancellationToken);
        var acknowledgedBefore = firstAttempt.AcknowledgedChunks.ToHashSet();
        var paused = await fixture.CreateClient().GetUploadAsync(uploadId, cancellationToken);
        var held = Enumerable.Range(0, ChunkCount).Where(paused.HasChunk).ToHashSet();
        Assert.Subset(held, acknowledgedBefore);
        Assert.InRange(held.Count, ChunkCount / 2, ChunkCount - 1);

        var client = fixture.CreateRecordedClient(out var recorder);
        var reports = new ConcurrentQueue<UploadProgress>();
        var upload = await client.UploadFileAsync(
            path, new UploadFileOptions { Parallelism = 4 }, new SynchronousProgress<UploadProgress>(reports.Enqueue), cancellationToken);

        // The resumed call asked for the status, created nothing, and sent exactly the chunks the server lacked, once each.
        Assert.Equal(uploadId, upload.UploadId);
        Assert.DoesNotContain(recorder.Requests, request => request.Method == HttpMethod.Post && request.Path == "/v1/uploads");
        Assert.Contains(recorder.Requests, request => request.Method == HttpMethod.Get && request.Path == $"/v1/uploads/{uploadId}");
        var missing = Enumerable.Range(0, ChunkCount).Where(index => !held.Contains(index)).ToArray();
        Assert.Equal(missing, recorder.ChunkPuts.Select(put => put.ChunkIndex!.Value).Order());
        Assert.Equal(held.Sum(index => paused.GetChunkLength(index)), reports.First().ResumedBytes);
        Assert.Equal(TestFiles.ChunksSha256(content, ChunkSize), upload.Result!.ChunksSha256);
        Assert.Equal(content, await DownloadAsync(client, uploadId, cancellationToken));
        Assert.Empty(await client.ResumeStore.GetRecordsAsync(cancellationToken));
    }

    [Fact]
    public async Task UploadFileAsync_FileChangedBetweenAttempts_StartsANewUploadAndAbortsTheStaleOne()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("changed.bin");
        const int ChunkCount = 32;
        TestFiles.WriteRandom(path, ChunkCount * ChunkSize);
        var (staleId, _) = await UploadUntilHalfAcknowledgedAsync(fixture, path, cancellationToken);

        // Same size, new bytes, a later last-write time: another version of the file.
        var lastWrite = File.GetLastWriteTimeUtc(path);
        var changed = TestFiles.WriteRandom(path, ChunkCount * ChunkSize);
        File.SetLastWriteTimeUtc(path, lastWrite.AddMinutes(1));

        var client = fixture.CreateRecordedClient(out var recorder);
        var upload = await client.UploadFileAsync(path, new UploadFileOptions { ChunkSize = ChunkSize }, cancellationToken: cancellationToken);

        Assert.NotEqual(staleId, upload.UploadId);
        Assert.Equal(Enumerable.Range(0, ChunkCount), recorder.ChunkPuts.Select(put => put.ChunkIndex!.Value).Order());
        Assert.Equal(UploadState.Aborted, (await client.GetUploadAsync(staleId, cancellationToken)).State);
        Assert.Equal(changed, await DownloadAsync(client, upload.UploadId, cancellationToken));
    }

    [Fact]
    public async Task UploadFileAsync_TransientFailuresAndLostAnswers_EndsInAnIntactFile()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("flaky.bin");
        var content = TestFiles.WriteRandom(path, (40 * ChunkSize) + 7);
        FaultInjector? faults = null;
        var client = fixture.CreateRecordedClient(out var recorder, inner => faults = new FaultInjector(inner, share: 0.3, seed: 7));

        var upload = await client.UploadFileAsync(path, new UploadFileOptions { ChunkSize = ChunkSize, Parallelism = 4 }, cancellationToken: cancellationToken);

        Assert.Equal(UploadState.Completed, upload.State);
        Assert.Equal(TestFiles.ChunksSha256(content, ChunkSize), upload.Result!.ChunksSha256);
        Assert.Equal(content, await DownloadAsync(fixture.CreateClient(), upload.UploadId, cancellationToken));
        Assert.True(faults!.Dropped > 0 && faults.Unavailable > 0 && faults.LostAnswers > 0, $"Faults injected: {faults.Dropped} dropped, {faults.Unavailable} 503, {faults.LostAnswers} lost answers.");
        // A chunk whose answer was lost was stored, and sent again: the server received some chunks more than once.
        Assert.True(recorder.ChunkPuts.Count >= 41, $"{recorder.ChunkPuts.Count} chunk PUTs reached the server.");
        Assert.Equal(Enumerable.Range(0, 41), recorder.AcknowledgedChunks.Distinct().Order());
    }

    [Fact]
    public async Task UploadFileAsync_HeldChunkDiffersFromFileWithSameSizeAndTime_FailsVerificationAndNextCallStartsOver()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("touched.bin");
        const int ChunkCount = 32;
        var content = TestFiles.WriteRandom(path, ChunkCount * ChunkSize);
        var (uploadId, _) = await UploadUntilHalfAcknowledgedAsync(fixture, path, cancellationToken);
        var client = fixture.CreateClient();
        var held = Enumerable.Range(0, ChunkCount).First((await client.GetUploadAsync(uploadId, cancellationToken)).HasChunk);

        // Edit a chunk the server already holds, and put the last-write time back (as cp -p or rsync -t would):
        // the resume record cannot tell, only the end-to-end digest can.
        var lastWrite = File.GetLastWriteTimeUtc(path);
        content[(held * ChunkSize) + 10] ^= 0xFF;
        await File.WriteAllBytesAsync(path, content, cancellationToken);
        File.SetLastWriteTimeUtc(path, lastWrite);

        var exception = await Assert.ThrowsAsync<UploadsException>(() => client.UploadFileAsync(path, cancellationToken: cancellationToken));
        Assert.Equal(UploadsErrorCodes.VerificationFailed, exception.ErrorCode);
        Assert.Contains(uploadId, exception.Message, StringComparison.Ordinal);
        Assert.Empty(await client.ResumeStore.GetRecordsAsync(cancellationToken));

        var again = await client.UploadFileAsync(path, cancellationToken: cancellationToken);
        Assert.NotEqual(uploadId, again.UploadId);
        Assert.Equal(content, await DownloadAsync(client, again.UploadId, cancellationToken));
    }

    [Fact]
    public async Task UploadFileAsync_ChunkRewrittenOnTheWayWithMatchingDigest_FailsVerification()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("tampered.bin");
        TestFiles.WriteRandom(path, 4 * ChunkSize);
        var client = fixture.CreateClient(inner => new CorruptingHandler(inner, chunkIndex: 2));

        var exception = await Assert.ThrowsAsync<UploadsException>(
            () => client.UploadFileAsync(path, new UploadFileOptions { ChunkSize = ChunkSize }, cancellationToken: cancellationToken));

        Assert.Equal(UploadsErrorCodes.VerificationFailed, exception.ErrorCode);
        Assert.Equal(0, exception.Status);
        Assert.Contains("chunk 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadFileAsync_UploadAbortedWhilePaused_StartsANewUpload()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("aborted.bin");
        var content = TestFiles.WriteRandom(path, 24 * ChunkSize);
        var (abortedId, _) = await UploadUntilHalfAcknowledgedAsync(fixture, path, cancellationToken);
        var client = fixture.CreateClient();
        await client.AbortUploadAsync(abortedId, cancellationToken);

        var upload = await client.UploadFileAsync(path, cancellationToken: cancellationToken);

        Assert.NotEqual(abortedId, upload.UploadId);
        Assert.Equal(content, await DownloadAsync(client, upload.UploadId, cancellationToken));
    }

    [Fact]
    public async Task UploadFileAsync_EmptyFile_CompletesWithTheDigestOfNoChunks()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        await using var fixture = await SiloFixture.StartAsync(cancellationToken);
        var path = fixture.PathOf("empty.bin");
        await File.WriteAllBytesAsync(path, [], cancellationToken);
        var client = fixture.CreateRecordedClient(out var recorder);

        var upload = await client.UploadFileAsync(path, cancellationToken: cancellationToken);

        Assert.Equal(UploadState.Completed, upload.State);
        Assert.Equal(0, upload.ChunkCount);
        Assert.Equal(TestFiles.ChunksSha256([], ChunkSize), upload.Result!.ChunksSha256);
        Assert.Empty(recorder.ChunkPuts);
        Assert.Empty(await DownloadAsync(client, upload.UploadId, cancellationToken));
    }

    /// <summary>
    /// Uploads <paramref name="path"/> in chunks of <see cref="ChunkSize"/> until half its chunks are acknowledged,
    /// then cancels, as a user pausing would. Returns the upload's id, the resume record staying, and what the server
    /// answered.
    /// </summary>
    private static async Task<(string UploadId, RequestRecorder Recorder)> UploadUntilHalfAcknowledgedAsync(
        SiloFixture fixture,
        string path,
        CancellationToken cancellationToken)
    {
        var chunkCount = TestFiles.ChunkCount(new FileInfo(path).Length, ChunkSize);
        var client = fixture.CreateRecordedClient(out var recorder);
        using var pause = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        recorder.OnChunkAcknowledged = count =>
        {
            if (count == chunkCount / 2)
            {
                pause.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.UploadFileAsync(path, new UploadFileOptions { ChunkSize = ChunkSize, Parallelism = 4 }, cancellationToken: pause.Token));
        cancellationToken.ThrowIfCancellationRequested();

        var record = Assert.Single(await client.ResumeStore.GetRecordsAsync(cancellationToken));
        Assert.Equal(Path.GetFullPath(path), record.FilePath);
        Assert.Equal(ChunkSize, record.ChunkSize);
        return (record.UploadId, recorder);
    }

    private static async Task<byte[]> DownloadAsync(UploadsClient client, string uploadId, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await client.DownloadToAsync(uploadId, copy, cancellationToken: cancellationToken);
        return copy.ToArray();
    }
}
