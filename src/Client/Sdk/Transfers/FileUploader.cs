using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace Uploads.Client.Transfers;

/// <summary>
/// One <see cref="UploadsClient.UploadFileAsync"/> call: resume the file's upload or create one, send the chunks the
/// server lacks from a few workers that each own one chunk buffer, complete, and check the server's
/// <c>chunksSha256</c> against the one computed from the file.
/// </summary>
internal sealed class FileUploader
{
    // A complete that finds chunks missing sends them and tries again; more rounds than this means something else is wrong.
    private const int MaxCompleteRounds = 3;

    private readonly UploadsClient _client;
    private readonly string _path;
    private readonly UploadFileOptions _options;
    private readonly UploadProgressTracker _tracker;
    private readonly TimeProvider _timeProvider;

    public FileUploader(UploadsClient client, string path, UploadFileOptions options, IProgress<UploadProgress>? progress)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallelism, 1, "options.Parallelism");
        if (options.ChunkSize is { } chunkSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1, "options.ChunkSize");
        }

        _client = client;
        _path = path;
        _options = options;
        _timeProvider = client.TimeProvider;
        _tracker = new UploadProgressTracker(progress, _timeProvider);
    }

    public async Task<UploadResource> UploadAsync(CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(_path);
        using var file = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var snapshot = FileSnapshot.Of(fullPath, file);
        var (upload, record) = await ResumeOrCreateAsync(fullPath, snapshot, cancellationToken).ConfigureAwait(false);

        var held = new bool[upload.ChunkCount];
        var finished = upload.State == UploadState.Completed || upload.State == UploadState.Completing;
        var toSend = new List<int>();
        var toHash = new List<int>();
        for (var index = 0; index < upload.ChunkCount; index++)
        {
            held[index] = finished || upload.HasChunk(index);
            (held[index] ? toHash : toSend).Add(index);
        }

        _tracker.Start(upload, held);

        // Chunks the server holds are hashed from the file too: the composite digest covers every chunk.
        var digests = new ChunkDigests(upload.ChunkCount);
        await TransferAsync(file, upload, toSend, toHash, digests, cancellationToken).ConfigureAwait(false);
        var completed = upload.State == UploadState.Completed
            ? upload
            : await CompleteAsync(fullPath, file, snapshot, upload, digests, cancellationToken).ConfigureAwait(false);

        var expected = digests.ComputeChunksSha256();
        if (completed.Result is not { } result)
        {
            throw new UploadsException(0, UploadsErrorCodes.InvalidResponse, $"The server reported upload {upload.UploadId} completed without a result.");
        }

        // The upload is finished either way: a verified one needs no resuming, and one that failed verification cannot
        // be fixed by resuming it (a completed upload takes no more chunks); the next call starts over.
        await _client.ResumeStore.DeleteAsync(record, CancellationToken.None).ConfigureAwait(false);
        if (result.ChunksSha256 != expected)
        {
            throw new UploadsException(
                0,
                UploadsErrorCodes.VerificationFailed,
                $"Upload {upload.UploadId} completed, but the server's chunksSha256 {result.ChunksSha256} differs from {expected}, " +
                $"computed from {fullPath}: the stored content is not this file. Upload it again.");
        }

        _tracker.Report(force: true);
        return completed;
    }

    private async Task<(UploadResource Upload, UploadResumeRecord Record)> ResumeOrCreateAsync(
        string fullPath,
        FileSnapshot snapshot,
        CancellationToken cancellationToken)
    {
        var store = _client.ResumeStore;
        if (await store.FindAsync(_client.Endpoint, fullPath, cancellationToken).ConfigureAwait(false) is { } record)
        {
            if (record.Size == snapshot.Size &&
                record.LastWriteTimeUtc == snapshot.LastWriteTimeUtc &&
                (_options.ChunkSize is null || _options.ChunkSize == record.ChunkSize))
            {
                var current = await FindUploadAsync(record.UploadId, cancellationToken).ConfigureAwait(false);
                if (current is not null &&
                    current.Size == snapshot.Size &&
                    current.ChunkSize == record.ChunkSize &&
                    current.State != UploadState.Aborted &&
                    current.State != UploadState.Expired)
                {
                    return (current, record);
                }
            }
            else
            {
                // The file (or the chunk size asked for) is no longer what the upload was made of, so it can never be
                // completed: release its bytes now instead of when it expires.
                await AbortStaleAsync(record.UploadId, cancellationToken).ConfigureAwait(false);
            }

            await store.DeleteAsync(record, cancellationToken).ConfigureAwait(false);
        }

        var upload = await _client.CreateUploadAsync(
            new CreateUploadOptions
            {
                FileName = _options.FileName ?? Path.GetFileName(fullPath),
                Size = snapshot.Size,
                ContentType = _options.ContentType,
                ChunkSize = _options.ChunkSize,
                Metadata = _options.Metadata,
                UploadId = UploadIds.NewId(_timeProvider),
            },
            cancellationToken).ConfigureAwait(false);
        var created = new UploadResumeRecord
        {
            UploadId = upload.UploadId,
            Server = _client.Endpoint,
            FilePath = fullPath,
            Size = snapshot.Size,
            LastWriteTimeUtc = snapshot.LastWriteTimeUtc,
            ChunkSize = upload.ChunkSize,
            CreatedAt = _timeProvider.GetUtcNow(),
        };

        // Not cancellable: the upload exists now, and without its record a cancelled call could never resume it.
        await store.SaveAsync(created, CancellationToken.None).ConfigureAwait(false);
        return (upload, created);
    }

    private async Task<UploadResource?> FindUploadAsync(string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
        }
        catch (UploadsException exception) when (exception.ErrorCode == UploadsErrorCodes.NotFound)
        {
            // Gone (another server, or its data was removed): start over.
            return null;
        }
    }

    private async Task AbortStaleAsync(string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.AbortUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
        }
        catch (UploadsException)
        {
            // Already gone, completed, or the server is unwell: the stale upload expires on its own, and the new upload
            // must not fail for it.
        }
    }

    private async Task<UploadResource> CompleteAsync(
        string fullPath,
        SafeFileHandle file,
        FileSnapshot snapshot,
        UploadResource upload,
        ChunkDigests digests,
        CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            if (FileSnapshot.Of(fullPath, file) != snapshot)
            {
                throw new UploadsException(
                    0,
                    UploadsErrorCodes.FileChanged,
                    $"{fullPath} changed while it was being uploaded; upload {upload.UploadId} was not completed. Upload the file again once it no longer changes.");
            }

            try
            {
                return await _client.CompleteUploadAsync(upload.UploadId, cancellationToken).ConfigureAwait(false);
            }
            catch (UploadsException exception) when (
                exception.ErrorCode == UploadsErrorCodes.UploadIncomplete && exception.MissingChunks.Count > 0 && round < MaxCompleteRounds)
            {
                // The server lacks chunks this call took as held (a status read before a loss, say): send them again.
                var missing = exception.MissingChunks.SelectMany(range => Enumerable.Range(range.First, range.Count)).ToArray();
                foreach (var index in missing)
                {
                    _tracker.Lost(index, upload.GetChunkLength(index));
                }

                await TransferAsync(file, upload, missing, [], digests, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="toSend"/> and hashes <paramref name="toHash"/> with up to <see cref="UploadFileOptions.Parallelism"/>
    /// workers. The first failure stops the others and is thrown; a cancellation of the caller wins over it.
    /// </summary>
    private async Task TransferAsync(
        SafeFileHandle file,
        UploadResource upload,
        IReadOnlyList<int> toSend,
        IReadOnlyList<int> toHash,
        ChunkDigests digests,
        CancellationToken cancellationToken)
    {
        var work = new ConcurrentQueue<(int Index, bool Send)>(toSend.Select(index => (index, true)).Concat(toHash.Select(index => (index, false))));
        if (work.IsEmpty)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new Task[Math.Min(_options.Parallelism, work.Count)];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = RunWorkerAsync(file, upload, work, digests, stop.Token);
        }

        var running = workers.ToList();
        while (running.Count > 0)
        {
            var ended = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(ended);
            if (!ended.IsCompletedSuccessfully)
            {
                // Failed or cancelled: the other workers stop too, leaving what is acknowledged acknowledged.
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var failures = workers.Where(worker => worker.IsFaulted).Select(worker => worker.Exception!.InnerException!).ToArray();
        if ((failures.FirstOrDefault(failure => failure is not OperationCanceledException) ?? failures.FirstOrDefault()) is { } first)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }

    private async Task RunWorkerAsync(
        SafeFileHandle file,
        UploadResource upload,
        ConcurrentQueue<(int Index, bool Send)> work,
        ChunkDigests digests,
        CancellationToken cancellationToken)
    {
        // One buffer per worker for its whole life: memory stays at Parallelism × ChunkSize whatever the file size.
        var buffer = ArrayPool<byte>.Shared.Rent(checked((int)upload.ChunkSize));
        try
        {
            while (work.TryDequeue(out var item))
            {
                var length = checked((int)upload.GetChunkLength(item.Index));
                var chunk = buffer.AsMemory(0, length);
                await ReadChunkAsync(file, chunk, item.Index * upload.ChunkSize, upload.UploadId, cancellationToken).ConfigureAwait(false);
                var digest = digests.Hash(item.Index, chunk.Span);
                if (item.Send)
                {
                    await SendChunkAsync(upload.UploadId, item.Index, chunk, digest, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ReadChunkAsync(SafeFileHandle file, Memory<byte> chunk, long offset, string uploadId, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < chunk.Length)
        {
            var count = await RandomAccess.ReadAsync(file, chunk[read..], offset + read, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                throw new UploadsException(0, UploadsErrorCodes.FileChanged, $"The file became shorter while upload {uploadId} was being sent. Upload it again once it no longer changes.");
            }

            read += count;
        }
    }

    private async Task SendChunkAsync(string uploadId, int index, ReadOnlyMemory<byte> chunk, ReadOnlyMemory<byte> digest, CancellationToken cancellationToken)
    {
        var acknowledged = false;
        try
        {
            var answer = await _client.PutChunkAsync(
                uploadId,
                index,
                chunk,
                digest,
                (attemptBytes, delta) => _tracker.Written(index, attemptBytes, delta),
                () => _tracker.Retrying(index),
                cancellationToken).ConfigureAwait(false);

            // The digest header already makes the server refuse damaged bytes; this catches a server that ignored it.
            var sent = Convert.ToBase64String(digest.Span);
            if (answer.Chunk is { } receipt && receipt.Sha256 != sent)
            {
                throw new UploadsException(
                    0,
                    UploadsErrorCodes.VerificationFailed,
                    $"The server stored chunk {index} of upload {uploadId} with SHA-256 {receipt.Sha256}, not the {sent} that was sent.");
            }

            acknowledged = true;
            _tracker.Acknowledged(index, chunk.Length);
        }
        finally
        {
            if (!acknowledged)
            {
                _tracker.Abandoned(index);
            }
        }
    }
}
