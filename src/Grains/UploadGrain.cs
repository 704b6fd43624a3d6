using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uploads.Runtime;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// The grain of one upload. It holds the manifest header and the pages of parts in memory, validates every
/// operation against them, and persists each change with a conditional write before acknowledging it.
/// Storage is the source of truth: a write that finds another version (another activation wrote) makes the
/// runtime discard this activation and retry the call on a fresh one.
/// </summary>
internal sealed partial class UploadGrain : Grain, IUploadGrain
{
    // Bounds the parallel reads and writes of pages at activation and completion.
    private const int PageParallelism = 16;

    private readonly IGrainContext _context;
    private readonly IPersistentState<UploadManifest> _manifest;
    private readonly IBlockStore _blocks;
    private readonly IGrainStateStore _records;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _timeProvider;
    private readonly UploadOptions _options;
    private readonly ILogger<UploadGrain> _logger;

    private readonly List<IPersistentState<UploadPartPage>> _pages = [];
    private readonly List<UploadPart?> _parts = [];
    private int _receivedCount;
    private long _receivedBytes;
    private DateTimeOffset? _lastAcceptedAt;

    public UploadGrain(
        IGrainContext context,
        IBlockStore blocks,
        IGrainStateStore records,
        IGrainFactory grains,
        TimeProvider timeProvider,
        IOptions<UploadOptions> options,
        ILogger<UploadGrain> logger)
    {
        _context = context;
        _manifest = context.GetPersistentState<UploadManifest>(UploadKeys.ManifestStateName);
        _blocks = blocks;
        _records = records;
        _grains = grains;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    private string BlobName => _context.GrainId.Key;

    private UploadManifest Manifest => _manifest.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _manifest.ReadStateAsync(cancellationToken);
        if (_manifest.RecordExists)
        {
            await LoadPartsAsync(readStored: true, cancellationToken);
        }
    }

    public async Task<CreateUploadResult> CreateAsync(CreateUploadCommand command, CancellationToken cancellationToken = default)
    {
        if (_manifest.RecordExists)
        {
            var existing = Manifest;
            if (existing.FileName != command.FileName || existing.Size != command.Size ||
                existing.ChunkSize != command.ChunkSize || existing.ContentType != command.ContentType ||
                existing.Mode != command.Mode || existing.SizeDeferred != command.SizeDeferred ||
                existing.Concat?.Kind != command.Concat?.Kind || !(existing.Concat?.Parts ?? []).SequenceEqual(command.Concat?.Parts ?? []))
            {
                throw new UploadException(UploadErrorCodes.UploadIdConflict, $"Upload '{existing.UploadId}' exists with other parameters.");
            }

            await EnsureCurrentAsync(cancellationToken);
            return new CreateUploadResult(Snapshot(), Created: false);
        }

        var now = _timeProvider.GetUtcNow();
        var appended = command.Mode == UploadWriteMode.Append;
        if (!appended && (command.SizeDeferred || command.Concat is not null))
        {
            throw new ArgumentException("Only an appended upload may defer its length or take part in a concatenation.", nameof(command));
        }

        // An appended upload has as many parts as its appends made; it starts with none.
        var plan = appended ? new ChunkPlan(command.ChunkSize, 0) : ChunkPlan.FromChunkSize(command.Size, command.ChunkSize);
        _manifest.State = new UploadManifest
        {
            UploadId = UploadIdOf(_context.GrainId),
            FileName = command.FileName,
            ContentType = command.ContentType,
            Size = command.Size,
            ChunkSize = plan.ChunkSize,
            ChunkCount = plan.ChunkCount,
            Metadata = new Dictionary<string, string>(command.Metadata),
            Mode = command.Mode,
            SizeDeferred = command.SizeDeferred,
            Concat = command.Concat,
            State = ManifestState.Open,
            CreatedAt = now,
            StateChangedAt = now,
        };
        await WriteAsync(_manifest, cancellationToken);
        await LoadPartsAsync(readStored: false, cancellationToken);
        LogCreated(_logger, BlobName, command.Size, plan.ChunkCount);
        if (command.Concat?.Kind == UploadConcatKind.Final)
        {
            await ComposeAsync(cancellationToken);
        }
        else if (appended && !command.SizeDeferred && command.Size == 0)
        {
            // Nothing to append: an empty appended upload is complete as soon as it exists.
            await CompleteAppendedAsync(cancellationToken);
        }

        return new CreateUploadResult(Snapshot(), Created: true);
    }

    public async Task<UploadSnapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        return Snapshot();
    }

    public async Task<ChunkTarget> BeginChunkAsync(int index, long length, CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        ThrowUnlessWritable();
        ThrowUnlessChunked();
        ThrowUnlessValidChunk(index, length);
        return new ChunkTarget(BlobName, BlockIds.New(index));
    }

    public async Task<ChunkCommitResult> CommitChunkAsync(ChunkCommit commit, CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        if (Manifest.State is ManifestState.Aborted or ManifestState.Expired)
        {
            // The caller staged a block after the bytes were released: release it too rather than strand it.
            await TryReleaseStorageAsync(cancellationToken);
        }

        ThrowUnlessWritable();
        ThrowUnlessChunked();
        ThrowUnlessValidChunk(commit.Index, commit.Size);
        if (!StorageNames.IsValidBlockId(commit.BlockId) || commit.Sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("The commit names an invalid block id or digest.", nameof(commit));
        }

        var page = _pages[commit.Index / UploadPartPage.Size];
        if (page.State.Sealed)
        {
            // Only completion seals a page, and this activation has not seen it: its view is stale.
            throw new InconsistentStateException($"Page {commit.Index / UploadPartPage.Size} of {BlobName} is sealed while this activation holds the upload open.");
        }

        var previous = page.State.Parts.Find(p => p.Index == commit.Index);
        if (previous?.BlockId == commit.BlockId)
        {
            // A retried commit of the block already recorded: nothing changes.
            return new ChunkCommitResult(Snapshot(), Replaced: false);
        }

        var part = new UploadPart { Index = commit.Index, BlockId = commit.BlockId, Size = commit.Size, Sha256 = commit.Sha256 };
        var now = _timeProvider.GetUtcNow();
        if (previous is not null)
        {
            page.State.Parts.Remove(previous);
        }

        page.State.Parts.Add(part);
        page.State.UpdatedAt = now;
        await WriteAsync(page, cancellationToken);

        // In-memory views change only once the write is durable.
        Record(part, previous);
        _lastAcceptedAt = now;
        return new ChunkCommitResult(Snapshot(), Replaced: previous is not null);
    }

    public async Task<AppendTarget> BeginAppendAsync(long offset, CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        ThrowUnlessAppended();
        ThrowUnlessWritable();
        ThrowUnlessAtOffset(offset);
        return new AppendTarget(BlobName, _receivedBytes, _parts.Count, Manifest.SizeDeferred ? null : Manifest.Size, Manifest.ChunkSize);
    }

    public async Task<UploadSnapshot> CommitAppendAsync(AppendCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        await EnsureCurrentAsync(cancellationToken);
        if (Manifest.State is ManifestState.Aborted or ManifestState.Expired)
        {
            // The caller staged blocks after the bytes were released: release them too rather than strand them.
            await TryReleaseStorageAsync(cancellationToken);
        }

        ThrowUnlessAppended();
        ThrowUnlessWritable();
        ThrowUnlessAtOffset(commit.Offset);
        if (commit.Blocks.Any(b => !StorageNames.IsValidBlockId(b.BlockId) || b.Size < 1 || b.Size > Manifest.ChunkSize || b.Sha256.Length != SHA256.HashSizeInBytes))
        {
            throw new ArgumentException("The commit names an invalid block id, size or digest.", nameof(commit));
        }

        var end = _receivedBytes + commit.Blocks.Sum(b => b.Size);
        var length = Manifest.SizeDeferred ? commit.Length : Manifest.Size;
        if (commit.Length is { } declared && !Manifest.SizeDeferred && declared != Manifest.Size)
        {
            throw new UploadException(UploadErrorCodes.ValidationError, $"The upload's length is {Manifest.Size} bytes and cannot change.");
        }

        if (commit.Length is { } declaredLength && (declaredLength < end || declaredLength > _options.Limits.MaxUploadBytes))
        {
            throw new UploadException(UploadErrorCodes.ValidationError, $"The length must lie between the upload's offset after this append, {end}, and {_options.Limits.MaxUploadBytes} bytes.");
        }

        if (end > (length ?? _options.Limits.MaxUploadBytes))
        {
            throw new UploadException(UploadErrorCodes.PayloadTooLarge, $"The append would take the upload to {end} bytes, past its length of {length ?? _options.Limits.MaxUploadBytes} bytes.");
        }

        if (_parts.Count + commit.Blocks.Count > UploadLimitsOptions.MaxBlocksPerBlob)
        {
            throw new UploadException(UploadErrorCodes.ValidationError, $"An upload holds at most {UploadLimitsOptions.MaxBlocksPerBlob} parts; append in larger requests.");
        }

        if (Manifest.SizeDeferred && commit.Length is { } newLength)
        {
            // The length is durable before any block that depends on it.
            Manifest.Size = newLength;
            Manifest.SizeDeferred = false;
            await WriteAsync(_manifest, cancellationToken);
        }

        if (commit.Blocks.Count > 0)
        {
            var now = _timeProvider.GetUtcNow();
            var index = _parts.Count;
            var appended = commit.Blocks
                .Select(b => new UploadPart { Index = index++, BlockId = b.BlockId, Size = b.Size, Sha256 = b.Sha256 })
                .ToList();

            // Pages in order, so the parts on storage always run from the first without a gap.
            foreach (var pageParts in appended.GroupBy(p => p.Index / UploadPartPage.Size))
            {
                var page = PageAt(pageParts.Key);
                if (page.State.Sealed)
                {
                    throw new InconsistentStateException($"Page {pageParts.Key} of {BlobName} is sealed while this activation holds the upload open.");
                }

                page.State.Parts.AddRange(pageParts);
                page.State.UpdatedAt = now;
                await WriteAsync(page, cancellationToken);
                foreach (var part in pageParts)
                {
                    Record(part, previous: null);
                }
            }

            _lastAcceptedAt = now;
        }

        if (!Manifest.SizeDeferred && _receivedBytes == Manifest.Size)
        {
            await CompleteAppendedAsync(cancellationToken);
        }

        return Snapshot();
    }

    public async Task<IReadOnlyList<UploadPart>> GetPartsAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        if (Manifest.State != ManifestState.Completed)
        {
            throw new UploadException(UploadErrorCodes.InvalidState, $"Upload {Manifest.UploadId} is {UploadStateName(Snapshot().State)}; only a completed upload can be composed.");
        }

        return _parts.Select(p => p!).ToArray();
    }

    public async Task<UploadSnapshot> CompleteAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        switch (Manifest.State)
        {
            case ManifestState.Completed:
                return Snapshot();
            case ManifestState.Aborted:
            case ManifestState.Expired:
                ThrowUnlessWritable();
                break;
        }

        if (Manifest.Mode == UploadWriteMode.Append)
        {
            throw new UploadException(UploadErrorCodes.InvalidState, $"Upload {Manifest.UploadId} is written with tus; it completes by itself once its offset reaches its length.");
        }

        var missing = ChunkRange.FromSorted(Enumerable.Range(0, _parts.Count).Where(i => _parts[i] is null));
        if (missing.Count > 0)
        {
            throw new UploadException(UploadErrorCodes.UploadIncomplete, $"{Manifest.ChunkCount - _receivedCount} of {Manifest.ChunkCount} chunks are missing.", missing);
        }

        await CompleteAppendedAsync(cancellationToken);
        return Snapshot();
    }

    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        switch (Manifest.State)
        {
            case ManifestState.Completed:
                throw new UploadException(UploadErrorCodes.InvalidState, "A completed upload cannot be aborted.");
            case ManifestState.Expired:
                throw new UploadException(UploadErrorCodes.UploadExpired, "The upload has expired.");
            case ManifestState.Aborted when Manifest.StorageReleased:
                return;
            case ManifestState.Open:
                // Aborted is durable before the bytes go, so no chunk is ever missing from an upload still open.
                await EndAsync(ManifestState.Aborted, _timeProvider.GetUtcNow(), cancellationToken);
                LogAborted(_logger, BlobName);
                break;
        }

        // A failure here reaches the caller (503) and leaves the upload aborted but unreleased, so a retry releases it.
        await _blocks.DeleteAsync(BlobName, cancellationToken);
        Manifest.StorageReleased = true;
        await WriteAsync(_manifest, cancellationToken);
    }

    public async Task TerminateAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken);
        if (Manifest.State == ManifestState.Completed)
        {
            // Aborted is durable before the file goes, so a failed release is retried by the next call or the sweep.
            Manifest.Result = null;
            await EndAsync(ManifestState.Aborted, _timeProvider.GetUtcNow(), cancellationToken);
            LogTerminated(_logger, BlobName);
        }

        await AbortAsync(cancellationToken);
    }

    public async Task<bool> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (!_manifest.RecordExists)
        {
            _context.DeactivateOnIdle();
            return false;
        }

        await EnsureCurrentAsync(cancellationToken);
        var state = Manifest.State;
        if (state is ManifestState.Open or ManifestState.Completing)
        {
            return false;
        }

        if ((state is ManifestState.Aborted or ManifestState.Expired) && !Manifest.StorageReleased)
        {
            await TryReleaseStorageAsync(cancellationToken);
        }

        if (_timeProvider.GetUtcNow() < Manifest.StateChangedAt + _options.RetainTerminal ||
            ((state is ManifestState.Aborted or ManifestState.Expired) && !Manifest.StorageReleased))
        {
            return false;
        }

        // Pages first, the manifest last: a purge cut short leaves a manifest the next sweep finds, never orphan pages.
        // A completed upload's blob stays: it is the delivered file; only the bookkeeping goes.
        await ForgetActiveAsync(cancellationToken);
        foreach (var page in _pages)
        {
            if (page.RecordExists)
            {
                await page.ClearStateAsync(cancellationToken);
            }
        }

        await _manifest.ClearStateAsync(cancellationToken);
        _context.DeactivateOnIdle();
        LogPurged(_logger, BlobName);
        return true;
    }

    private async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (!_manifest.RecordExists)
        {
            // Nothing to keep in memory for an id that does not exist.
            _context.DeactivateOnIdle();
            throw new UploadException(UploadErrorCodes.NotFound, "No such upload.");
        }

        if (Manifest.State == ManifestState.Completing)
        {
            await FinishCompletionAsync(cancellationToken);
        }
        else if (Manifest.State == ManifestState.Open && _timeProvider.GetUtcNow() >= ExpiresAt())
        {
            await EndAsync(ManifestState.Expired, ExpiresAt(), cancellationToken);
            LogExpired(_logger, BlobName);
            await TryReleaseStorageAsync(cancellationToken);
        }
        else if (Manifest.State == ManifestState.Open && Manifest.Concat?.Kind == UploadConcatKind.Final)
        {
            // A composition cut short (a crash, storage away) is taken up again by the next call.
            await ComposeAsync(cancellationToken);
        }
    }

    private async Task CompleteAppendedAsync(CancellationToken cancellationToken)
    {
        // Completing is durable before the storage commit, so whichever activation finds it finishes the job.
        Manifest.State = ManifestState.Completing;
        Manifest.StateChangedAt = _timeProvider.GetUtcNow();
        await WriteAsync(_manifest, cancellationToken);
        await FinishCompletionAsync(cancellationToken);
    }

    private async Task ComposeAsync(CancellationToken cancellationToken)
    {
        // The sources are uploads of the same tenant: their keys share this one's tenant segment.
        var tenantSegment = BlobName[..BlobName.LastIndexOf('/')];
        var sources = new List<(string BlobName, long Offset, UploadPart Part)>();
        foreach (var uploadId in Manifest.Concat!.Parts)
        {
            var sourceName = $"{tenantSegment}/{uploadId}";
            IReadOnlyList<UploadPart> parts;
            try
            {
                parts = await _grains.GetGrain<IUploadGrain>(sourceName).GetPartsAsync(cancellationToken);
            }
            catch (UploadException exception) when (exception.Code is UploadErrorCodes.NotFound or UploadErrorCodes.InvalidState)
            {
                // A source gone or not completed never comes back as it was: this upload cannot be composed.
                await AbandonCompositionAsync(cancellationToken);
                throw new UploadException(UploadErrorCodes.ValidationError, $"Partial upload {uploadId} cannot be composed: {exception.Message}");
            }

            var offset = 0L;
            foreach (var part in parts)
            {
                sources.Add((sourceName, offset, part));
                offset += part.Size;
            }
        }

        var size = sources.Sum(s => s.Part.Size);
        if (size != Manifest.Size || sources.Count > UploadLimitsOptions.MaxBlocksPerBlob)
        {
            await AbandonCompositionAsync(cancellationToken);
            throw new UploadException(
                UploadErrorCodes.ValidationError,
                $"The partial uploads hold {size} bytes in {sources.Count} parts; the final upload expected {Manifest.Size} bytes in at most {UploadLimitsOptions.MaxBlocksPerBlob} parts.");
        }

        // Each block is copied inside the store from the range of its source blob: the bytes never reach the silo
        // where the store can copy by itself.
        var blockIds = sources.Select((_, i) => BlockIds.New(i)).ToArray();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, sources.Count),
            new ParallelOptions { MaxDegreeOfParallelism = PageParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var (sourceName, offset, part) = sources[i];
                await _blocks.StageBlockFromBlobAsync(BlobName, blockIds[i], sourceName, offset, part.Size, token);
            });

        var now = _timeProvider.GetUtcNow();
        for (var i = 0; i < sources.Count; i++)
        {
            PageAt(i / UploadPartPage.Size).State.Parts.Add(new UploadPart { Index = i, BlockId = blockIds[i], Size = sources[i].Part.Size, Sha256 = sources[i].Part.Sha256 });
        }

        await Parallel.ForEachAsync(
            _pages,
            new ParallelOptions { MaxDegreeOfParallelism = PageParallelism, CancellationToken = cancellationToken },
            async (page, token) =>
            {
                page.State.UpdatedAt = now;
                await WriteAsync(page, token);
            });
        foreach (var part in _pages.SelectMany(p => p.State.Parts).OrderBy(p => p.Index))
        {
            Record(part, previous: null);
        }

        _lastAcceptedAt = now;
        await CompleteAppendedAsync(cancellationToken);
    }

    private async Task AbandonCompositionAsync(CancellationToken cancellationToken)
    {
        await EndAsync(ManifestState.Aborted, _timeProvider.GetUtcNow(), cancellationToken);
        await TryReleaseStorageAsync(cancellationToken);
    }

    /// <summary>
    /// Makes the upload aborted or expired, durably, with its bytes still to release, and stops it counting against its
    /// tenant's limit. The caller releases the bytes.
    /// </summary>
    private async Task EndAsync(ManifestState state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Manifest.State = state;
        Manifest.StateChangedAt = at;
        Manifest.StorageReleased = false;
        await WriteAsync(_manifest, cancellationToken);
        await ForgetActiveAsync(cancellationToken);
    }

    private async Task FinishCompletionAsync(CancellationToken cancellationToken)
    {
        // Sealing every page fences out a stale activation: its chunk commit either landed before the seal (and is
        // read here, since the seal is conditional on the version read) or fails on the seal's new entity tag.
        await Parallel.ForEachAsync(
            _pages.Where(p => !p.State.Sealed),
            new ParallelOptions { MaxDegreeOfParallelism = PageParallelism, CancellationToken = cancellationToken },
            async (page, token) =>
            {
                page.State.Sealed = true;
                await WriteAsync(page, token);
            });

        var blockIds = new string[_parts.Count];
        var digests = new byte[_parts.Count * SHA256.HashSizeInBytes];
        for (var i = 0; i < _parts.Count; i++)
        {
            var part = _parts[i] ?? throw new InvalidOperationException($"Upload {BlobName} is completing with chunk {i} missing.");
            blockIds[i] = part.BlockId;
            part.Sha256.CopyTo(digests, i * SHA256.HashSizeInBytes);
        }

        var metadata = new Dictionary<string, string> { ["uploadid"] = Manifest.UploadId };
        var blob = await _blocks.CommitBlockListAsync(BlobName, blockIds, new BlobCommitOptions(Manifest.ContentType, metadata), cancellationToken);
        if (blob.Length != Manifest.Size)
        {
            throw new InvalidOperationException($"Upload {BlobName} committed {blob.Length} bytes where {Manifest.Size} were expected.");
        }

        var now = _timeProvider.GetUtcNow();
        Manifest.State = ManifestState.Completed;
        Manifest.StateChangedAt = now;
        Manifest.Result = new UploadResult(blob.Length, blob.ETag, Convert.ToBase64String(SHA256.HashData(digests)), now);
        await WriteAsync(_manifest, cancellationToken);
        LogCompleted(_logger, BlobName, blob.Length);
        await ForgetActiveAsync(cancellationToken);
    }

    private async Task TryReleaseStorageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _blocks.DeleteAsync(BlobName, cancellationToken);
        }
        catch (StorageException exception)
        {
            // The upload is already terminal; the release is retried by the next abort or expiry sweep.
            LogReleaseFailed(_logger, BlobName, exception);
            return;
        }

        if (!Manifest.StorageReleased)
        {
            Manifest.StorageReleased = true;
            await WriteAsync(_manifest, cancellationToken);
        }
    }

    private async Task ForgetActiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _records.DeleteAsync(UploadKeys.ActiveMarkerKey(BlobName), etag: null, cancellationToken);
        }
        catch (StorageException exception)
        {
            // The tenant's limiter asks this grain for its state before it refuses anyone, so a stale marker only delays.
            LogForgetActiveFailed(_logger, BlobName, exception);
        }
    }

    private async Task LoadPartsAsync(bool readStored, CancellationToken cancellationToken)
    {
        _pages.Clear();
        _parts.Clear();
        _receivedCount = 0;
        _receivedBytes = 0;
        _lastAcceptedAt = null;
        if (Manifest.Mode == UploadWriteMode.Append)
        {
            // Appends fill the pages in order, so the pages stored run from the first to the first that is not full.
            // Batches grow (1, 1, 2, 4, ... pages) so a small upload reads one record and a large one few round trips.
            while (readStored)
            {
                var batch = Enumerable.Range(_pages.Count, Math.Clamp(_pages.Count, 1, PageParallelism)).Select(PageAt).ToArray();
                await ReadPagesAsync(batch, cancellationToken);
                var notFull = Array.FindIndex(batch, p => p.State.Parts.Count < UploadPartPage.Size);
                if (notFull >= 0)
                {
                    _pages.RemoveRange(_pages.Count - batch.Length + notFull + 1, batch.Length - notFull - 1);
                    break;
                }
            }
        }
        else
        {
            var pageCount = (Manifest.ChunkCount + UploadPartPage.Size - 1) / UploadPartPage.Size;
            var pages = Enumerable.Range(0, pageCount).Select(PageAt).ToArray();

            // A new upload has no pages stored yet: reading them would only find nothing.
            if (readStored)
            {
                await ReadPagesAsync(pages, cancellationToken);
            }

            _parts.AddRange(new UploadPart?[Manifest.ChunkCount]);
        }

        foreach (var page in _pages)
        {
            foreach (var part in page.State.Parts.OrderBy(p => p.Index))
            {
                if (Manifest.Mode == UploadWriteMode.Append ? part.Index == _parts.Count : part.Index >= 0 && part.Index < _parts.Count && _parts[part.Index] is null)
                {
                    Record(part, previous: null);
                }
            }

            if (page.State.UpdatedAt > _lastAcceptedAt || _lastAcceptedAt is null)
            {
                _lastAcceptedAt = page.State.UpdatedAt;
            }
        }
    }

    private Task ReadPagesAsync(IEnumerable<IPersistentState<UploadPartPage>> pages, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            pages,
            new ParallelOptions { MaxDegreeOfParallelism = PageParallelism, CancellationToken = cancellationToken },
            async (page, token) => await page.ReadStateAsync(token));

    /// <summary>The page holding part <paramref name="pageIndex"/> × <see cref="UploadPartPage.Size"/> onwards, made (empty, not stored) when new.</summary>
    private IPersistentState<UploadPartPage> PageAt(int pageIndex)
    {
        while (_pages.Count <= pageIndex)
        {
            _pages.Add(_context.GetPersistentState<UploadPartPage>(UploadKeys.PartsStateName, _pages.Count.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return _pages[pageIndex];
    }

    private void Record(UploadPart part, UploadPart? previous)
    {
        if (previous is null)
        {
            _receivedCount++;
        }
        else
        {
            _receivedBytes -= previous.Size;
        }

        _receivedBytes += part.Size;
        if (part.Index == _parts.Count)
        {
            _parts.Add(part);
        }
        else
        {
            _parts[part.Index] = part;
        }
    }

    private async Task WriteAsync<TState>(IPersistentState<TState> state, CancellationToken cancellationToken)
        where TState : class, new()
    {
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not InconsistentStateException)
        {
            // The write may or may not have happened: the in-memory state can no longer be trusted, so the
            // next call reloads it from storage in a new activation.
            _context.DeactivateOnIdle();
            throw;
        }
    }

    private void ThrowUnlessWritable()
    {
        switch (Manifest.State)
        {
            case ManifestState.Completing:
            case ManifestState.Completed:
                throw new UploadException(UploadErrorCodes.InvalidState, $"The upload is {Snapshot().State.ToString().ToLowerInvariant()}; its chunks cannot change.");
            case ManifestState.Aborted:
                throw new UploadException(UploadErrorCodes.UploadAborted, "The upload was aborted.");
            case ManifestState.Expired:
                throw new UploadException(UploadErrorCodes.UploadExpired, "The upload has expired.");
        }
    }

    private void ThrowUnlessChunked()
    {
        if (Manifest.Mode == UploadWriteMode.Append)
        {
            throw new UploadException(UploadErrorCodes.InvalidState, $"Upload {Manifest.UploadId} is written with tus, by appends at its offset, not in chunks.");
        }
    }

    private void ThrowUnlessAppended()
    {
        if (Manifest.Mode != UploadWriteMode.Append)
        {
            throw new UploadException(UploadErrorCodes.InvalidState, $"Upload {Manifest.UploadId} is written in chunks with the v1 API, not by appends.");
        }

        if (Manifest.Concat?.Kind == UploadConcatKind.Final)
        {
            throw new UploadException(UploadErrorCodes.FinalUpload, "A final upload is composed of its partial uploads and cannot be written.");
        }
    }

    private void ThrowUnlessAtOffset(long offset)
    {
        if (offset != _receivedBytes)
        {
            throw new UploadException(UploadErrorCodes.OffsetMismatch, $"The upload's offset is {_receivedBytes}, not {offset}.");
        }
    }

    private void ThrowUnlessValidChunk(int index, long length)
    {
        if (index < 0 || index >= Manifest.ChunkCount)
        {
            throw new UploadException(
                UploadErrorCodes.InvalidChunk,
                Manifest.ChunkCount == 0 ? "This upload has no chunks." : $"Chunk index {index} is outside 0..{Manifest.ChunkCount - 1}.");
        }

        var expected = new ChunkPlan(Manifest.ChunkSize, Manifest.ChunkCount).SizeOf(index, Manifest.Size);
        if (length != expected)
        {
            throw new UploadException(UploadErrorCodes.ChunkSizeMismatch, $"Chunk {index} must be {expected} bytes; got {length}.");
        }
    }

    private DateTimeOffset ExpiresAt()
    {
        var lastActivity = _lastAcceptedAt is { } accepted && accepted > Manifest.CreatedAt ? accepted : Manifest.CreatedAt;
        return lastActivity + _options.UploadTtl;
    }

    private UploadSnapshot Snapshot()
    {
        var manifest = Manifest;
        var state = manifest.State switch
        {
            ManifestState.Open => _receivedCount > 0 ? UploadState.Uploading : UploadState.Created,
            ManifestState.Completing => UploadState.Completing,
            ManifestState.Completed => UploadState.Completed,
            ManifestState.Aborted => UploadState.Aborted,
            _ => UploadState.Expired,
        };
        var received = Enumerable.Range(0, _parts.Count).Where(i => _parts[i] is not null);
        var nextChunk = _parts.FindIndex(p => p is null);
        var updatedAt = _lastAcceptedAt is { } accepted && accepted > manifest.StateChangedAt ? accepted : manifest.StateChangedAt;
        return new UploadSnapshot
        {
            UploadId = manifest.UploadId,
            State = state,
            FileName = manifest.FileName,
            ContentType = manifest.ContentType,
            Size = manifest.Size,
            ChunkSize = manifest.ChunkSize,
            ChunkCount = _parts.Count,
            Metadata = manifest.Metadata,
            Mode = manifest.Mode,
            SizeDeferred = manifest.SizeDeferred,
            Concat = manifest.Concat,
            ReceivedChunks = ChunkRange.FromSorted(received),
            ReceivedChunkCount = _receivedCount,
            ReceivedBytes = _receivedBytes,
            NextChunkIndex = nextChunk < 0 ? null : nextChunk,
            CreatedAt = manifest.CreatedAt,
            UpdatedAt = updatedAt,
            ExpiresAt = state switch
            {
                UploadState.Created or UploadState.Uploading => ExpiresAt(),
                UploadState.Expired => manifest.StateChangedAt,
                _ => null,
            },
            Result = manifest.Result,
            BlobName = BlobName,
        };
    }

    private static string UploadStateName(UploadState state) => state.ToString().ToLowerInvariant();

    private static string UploadIdOf(GrainId grainId) => grainId.Key[(grainId.Key.LastIndexOf('/') + 1)..];
}
