using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Keeps blocks and blobs in a data folder: one file per block, and a committed blob is the list of its block
/// files, read by concatenating them (a commit copies no bytes, so a blob never costs twice its size on disk).
/// </summary>
/// <remarks>
/// <para>
/// Every write is durable before the call returns: a temp in tmp/ is flushed to disk, renamed into place and the
/// folder flushed. Readers therefore see a whole old or a whole new file, never a torn one. Commits and deletes of
/// one blob are serialized across threads and processes by a striped lock file, so several processes may share
/// one data folder.
/// </para>
/// <para>
/// Committed blocks are files, so staging again a block id that is already committed would change a committed
/// blob. Block ids are unique per attempt, so callers never do that; should a stale retry do it anyway, the new copy
/// is discarded (a commit is create-only, so it could never be committed).
/// </para>
/// </remarks>
public sealed partial class FileSystemBlockStore : IBlockStore
{
    // Large enough to keep the disk busy, small enough to rent one per concurrent chunk; a block is never held whole.
    private const int CopyBufferSize = 1024 * 1024;

    private readonly FileSystemLayout _layout;
    private readonly StripedFileLock _locks;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FileSystemBlockStore> _logger;

    /// <summary>Opens the store in <see cref="FileSystemStorageOptions.Root"/>, creating its folders.</summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Unavailable"/> when the folders cannot be made.</exception>
    public FileSystemBlockStore(FileSystemStorageOptions options, TimeProvider timeProvider, ILogger<FileSystemBlockStore> logger)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _layout = new FileSystemLayout(options);
        _timeProvider = timeProvider;
        _logger = logger;
        _locks = new StripedFileLock(_layout.Locks, timeProvider);

        var deleted = _layout.Initialize(timeProvider.GetUtcNow());
        if (deleted > 0)
        {
            LogTmpLeftoversDeleted(deleted, _layout.Tmp);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="contentMd5"/> is ignored: the gateway checks digests itself. A stream with more than
    /// <paramref name="length"/> bytes is refused with <see cref="ArgumentException"/>, and nothing is staged.
    /// </remarks>
    public async Task StageBlockAsync(string blobName, string blockId, Stream content, long length, byte[]? contentMd5 = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        StorageNames.ThrowIfInvalidBlockId(blockId, nameof(blockId));
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        cancellationToken.ThrowIfCancellationRequested();

        var tempPath = _layout.NewTempPath();
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, CopyBufferSize));

        // The caller's stream may throw IOException too (a client that hung up); that is not a failure of the disk.
        var readingContent = false;
        try
        {
            await using (var file = DurableFile.CreateTemp(tempPath, length))
            {
                var remaining = length;
                while (remaining > 0)
                {
                    // A network stream hands over a few KB per read: fill the buffer first, so the disk sees few large writes.
                    var wanted = (int)Math.Min(buffer.Length, remaining);
                    var filled = 0;
                    readingContent = true;
                    while (filled < wanted)
                    {
                        var read = await content.ReadAsync(buffer.AsMemory(filled, wanted - filled), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            throw new EndOfStreamException($"The content of block '{blockId}' ended after {length - remaining + filled} of its {length} bytes; nothing was staged.");
                        }

                        filled += read;
                    }

                    readingContent = false;
                    var written = length - remaining;
                    await file.WriteAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                    WriteBack.Start(file.SafeFileHandle, written, filled);
                    remaining -= filled;
                }

                readingContent = true;
                var extra = await content.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
                readingContent = false;
                if (extra != 0)
                {
                    throw new ArgumentException($"The content of block '{blockId}' is longer than its declared {length} bytes; nothing was staged.", nameof(content));
                }

                file.Flush(flushToDisk: true);
            }

            var committed = await ReadBlockListAsync(blobName, cancellationToken).ConfigureAwait(false);
            if (committed is not null && IsListed(committed, blockId))
            {
                LogStageOfCommittedBlockIgnored(blobName, blockId);
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            DurableFile.MoveIntoPlace(tempPath, Path.Combine(_layout.BlockFolder(blobName), blockId), overwrite: true);
        }
        catch (Exception ex) when (!readingContent && DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("stage a block of blob", blobName, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            DeleteTemp(tempPath);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// When the range is exactly one block of the source, the new block is a hard link to the source's block file: no
    /// byte is copied and no space is used. Any other range, or a file system without hard links, copies the bytes
    /// inside the store.
    /// </remarks>
    public async Task StageBlockFromBlobAsync(string blobName, string blockId, string sourceBlobName, long sourceOffset, long length, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        StorageNames.ThrowIfInvalidBlockId(blockId, nameof(blockId));
        StorageNames.ThrowIfInvalidName(sourceBlobName, nameof(sourceBlobName));
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceOffset);

        BlockListDocument? source;
        try
        {
            source = await ReadBlockListAsync(sourceBlobName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("read the source blob", sourceBlobName, ex);
        }

        if (source is null)
        {
            throw new StorageException(StorageErrorCode.NotFound, $"The source blob '{sourceBlobName}' is not committed.");
        }

        var sourceLength = source.ToProperties().Length;
        if (sourceOffset > sourceLength || length > sourceLength - sourceOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The source blob '{sourceBlobName}' has no {length} bytes at offset {sourceOffset}.");
        }

        if (FindBlock(source, sourceOffset, length) is { } sourceBlock
            && await TryLinkBlockAsync(blobName, blockId, sourceBlobName, sourceBlock, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await using var content = await OpenReadAsync(sourceBlobName, sourceOffset, length, cancellationToken).ConfigureAwait(false);
        await StageBlockAsync(blobName, blockId, content, length, contentMd5: null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> CommitBlockListAsync(string blobName, IReadOnlyList<string> blockIds, BlobCommitOptions options, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        ArgumentNullException.ThrowIfNull(blockIds);
        foreach (var blockId in blockIds)
        {
            StorageNames.ThrowIfInvalidBlockId(blockId, nameof(blockIds));
        }

        ValidateCommitOptions(options);

        try
        {
            using var lease = await _locks.AcquireAsync(LockKey(blobName), cancellationToken).ConfigureAwait(false);

            var existing = await ReadBlockListAsync(blobName, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                LogCommitFoundExistingBlob(blobName);
                ReleaseUncommittedBlocks(blobName, existing);
                return existing.ToProperties();
            }

            var document = new BlockListDocument(
                ListBlocksToCommit(blobName, blockIds),
                options.ContentType,
                new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal),
                ETags.New(),
                _timeProvider.GetUtcNow());
            var json = JsonSerializer.SerializeToUtf8Bytes(document, FileSystemJsonContext.Default.BlockListDocument);

            var tempPath = _layout.NewTempPath();
            try
            {
                await DurableFile.WriteTempAsync(tempPath, json, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!DurableFile.MoveIntoPlace(tempPath, _layout.BlobFile(blobName), overwrite: false))
                {
                    // Only a writer that bypassed the lock gets here; create-only means its blob wins.
                    LogCommitFoundExistingBlob(blobName);
                    document = await ReadBlockListAsync(blobName, CancellationToken.None).ConfigureAwait(false) ?? document;
                }
            }
            finally
            {
                DeleteTemp(tempPath);
            }

            ReleaseUncommittedBlocks(blobName, document);
            return document.ToProperties();
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("commit blob", blobName, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StagedBlock>> ListStagedBlocksAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        try
        {
            var committed = await ReadBlockListAsync(blobName, cancellationToken).ConfigureAwait(false);
            var staged = new List<StagedBlock>();
            foreach (var file in EnumerateBlockFiles(blobName))
            {
                if (committed is null || !IsListed(committed, file.Name))
                {
                    staged.Add(new StagedBlock(file.Name, file.Length));
                }
            }

            return staged;
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("list the staged blocks of blob", blobName, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<BlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        try
        {
            var document = await ReadBlockListAsync(blobName, cancellationToken).ConfigureAwait(false);
            return document?.ToProperties();
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("read the properties of blob", blobName, ex);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">When the range is not inside the blob.</exception>
    public async Task<Stream> OpenReadAsync(string blobName, long offset, long length, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);

        BlockListDocument? document;
        try
        {
            document = await ReadBlockListAsync(blobName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("open blob", blobName, ex);
        }

        if (document is null)
        {
            throw new StorageException(StorageErrorCode.NotFound, $"The blob '{blobName}' is not committed.");
        }

        var blobLength = document.ToProperties().Length;
        if (offset > blobLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The blob '{blobName}' has {blobLength} bytes.");
        }

        if (length > blobLength - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The blob '{blobName}' has {blobLength - offset} bytes from offset {offset}.");
        }

        return new ConcatenatedBlockStream(blobName, _layout.BlockFolder(blobName), document.Blocks, offset, length);
    }

    /// <inheritdoc/>
    /// <remarks>Deletes only the files of this blob: another blob's folder nested in its block folder is kept.</remarks>
    public async Task DeleteAsync(string blobName, CancellationToken cancellationToken = default)
    {
        StorageNames.ThrowIfInvalidName(blobName, nameof(blobName));
        try
        {
            using var lease = await _locks.AcquireAsync(LockKey(blobName), cancellationToken).ConfigureAwait(false);

            // The blob file goes first and durably, so a crash can never leave a blob whose blocks are gone.
            var blobFile = _layout.BlobFile(blobName);
            if (File.Exists(blobFile))
            {
                DurableFile.Delete(blobFile);
                DirectorySync.Flush(Path.GetDirectoryName(blobFile)!);
            }

            foreach (var file in EnumerateBlockFiles(blobName))
            {
                file.Delete();
            }

            DeleteEmptyFolder(_layout.BlockFolder(blobName));
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("delete blob", blobName, ex);
        }
    }

    private static string LockKey(string blobName) => "blob:" + blobName;

    private static bool IsListed(BlockListDocument document, string blockId)
    {
        foreach (var block in document.Blocks)
        {
            if (string.Equals(block.Id, blockId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void ValidateCommitOptions(BlobCommitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ContentType is null || options.Metadata is null)
        {
            throw new ArgumentException("A commit needs a content type and metadata (which may be empty).", nameof(options));
        }

        foreach (var (name, value) in options.Metadata)
        {
            if (string.IsNullOrEmpty(name) || !name.All(char.IsAsciiLetterOrDigit) || value is null)
            {
                throw new ArgumentException($"The metadata name '{name}' is not valid: names are ASCII letters and digits, and values are not null.", nameof(options));
            }
        }
    }

    private static void DeleteEmptyFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: false);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        catch (IOException) when (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            // Not empty: it holds the folder of another blob whose name extends this one, or a block staged meanwhile.
        }
    }

    // The block of the document that is exactly the range, if one is.
    private static BlockListEntry? FindBlock(BlockListDocument document, long offset, long length)
    {
        var position = 0L;
        foreach (var block in document.Blocks)
        {
            if (position == offset)
            {
                return block.Length == length ? block : null;
            }

            position += block.Length;
            if (position > offset)
            {
                return null;
            }
        }

        return null;
    }

    // False when no link could be made (no hard links here, or the source's file is gone); the caller copies then.
    private async Task<bool> TryLinkBlockAsync(string blobName, string blockId, string sourceBlobName, BlockListEntry sourceBlock, CancellationToken cancellationToken)
    {
        // Linked under a temp name first, then renamed into place like any staged block, so a reader never sees a partial
        // name and the folder is flushed. The source file's bytes are durable already: its blob is committed. Files are
        // never changed in place, and deleting either name leaves the other, so the two blobs share nothing else.
        var tempPath = _layout.NewTempPath();
        try
        {
            if (!HardLink.TryCreate(Path.Combine(_layout.BlockFolder(sourceBlobName), sourceBlock.Id), tempPath))
            {
                return false;
            }

            var committed = await ReadBlockListAsync(blobName, cancellationToken).ConfigureAwait(false);
            if (committed is not null && IsListed(committed, blockId))
            {
                LogStageOfCommittedBlockIgnored(blobName, blockId);
                return true;
            }

            cancellationToken.ThrowIfCancellationRequested();
            DurableFile.MoveIntoPlace(tempPath, Path.Combine(_layout.BlockFolder(blobName), blockId), overwrite: true);
            return true;
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("link a block of blob", blobName, ex);
        }
        finally
        {
            DeleteTemp(tempPath);
        }
    }

    private BlockListEntry[] ListBlocksToCommit(string blobName, IReadOnlyList<string> blockIds)
    {
        var folder = _layout.BlockFolder(blobName);
        var blocks = new BlockListEntry[blockIds.Count];
        for (var i = 0; i < blockIds.Count; i++)
        {
            var file = new FileInfo(Path.Combine(folder, blockIds[i]));
            if (!file.Exists)
            {
                throw new StorageException(StorageErrorCode.InvalidBlockList, $"The block '{blockIds[i]}' of blob '{blobName}' is not staged; stage it before committing.");
            }

            blocks[i] = new BlockListEntry(blockIds[i], file.Length);
        }

        return blocks;
    }

    private async Task<BlockListDocument?> ReadBlockListAsync(string blobName, CancellationToken cancellationToken)
    {
        byte[] json;
        try
        {
            json = await DurableFile.ReadAllBytesAsync(_layout.BlobFile(blobName), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, FileSystemJsonContext.Default.BlockListDocument)
                ?? throw new JsonException("The document is null.");
        }
        catch (JsonException ex)
        {
            throw new StorageException(StorageErrorCode.Unavailable, $"The blob file of '{blobName}' is damaged: {ex.Message}", ex);
        }
    }

    // Only the files directly in the blob's folder: a subfolder belongs to another blob.
    private IEnumerable<FileInfo> EnumerateBlockFiles(string blobName)
    {
        var folder = new DirectoryInfo(_layout.BlockFolder(blobName));
        if (!folder.Exists)
        {
            return [];
        }

        try
        {
            return folder.GetFiles().Where(file => StorageNames.IsValidBlockId(file.Name));
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    // The committed blob is durable at this point; failing to free space must not turn its commit into an error.
    private void ReleaseUncommittedBlocks(string blobName, BlockListDocument committed)
    {
        try
        {
            var released = 0;
            foreach (var file in EnumerateBlockFiles(blobName))
            {
                if (!IsListed(committed, file.Name))
                {
                    file.Delete();
                    released++;
                }
            }

            if (released > 0)
            {
                LogBlocksReleased(blobName, released);
            }
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            LogReleaseFailed(blobName, ex);
        }
    }

    private void DeleteTemp(string tempPath)
    {
        if (DurableFile.TryDeleteTemp(tempPath) is { } error)
        {
            LogTempNotDeleted(tempPath, error);
        }
    }
}
