using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Core;
using Orleans.Placement;
using Orleans.Storage;
using Uploads.Abstractions;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// The grain of one upload. It holds the manifest header and the pages of parts in memory, validates every
/// operation against them, and persists each change with a conditional write before acknowledging it.
/// Storage is the source of truth: a write that finds another version (another activation wrote) throws
/// <see cref="InconsistentStateException"/>, on which Orleans deactivates this activation; the caller retries the
/// call, and a fresh activation serves it from what is stored. Orleans runs one call at a time here, so commits are
/// serialized.
/// </summary>
/// <remarks>
/// The manifest is one named state, and each page of 64 parts is another (<see cref="UploadKeys.PageStateName"/>),
/// made over the same Orleans storage provider at run time, so a chunk commit writes its page only and any Orleans
/// storage provider can hold an upload. Pages and parts are kept in <c>UploadGrain.Pages.cs</c>, appends and
/// composition in <c>UploadGrain.Appends.cs</c>, expiry and the sweep in <c>UploadGrain.Expiry.cs</c>.
/// </remarks>
[GrainType(UploadKeys.GrainType)]
[PreferLocalPlacement]
internal sealed partial class UploadGrain : Grain, IUploadGrain
{
    // Bounds the parallel reads and writes of pages at activation and completion.
    private const int PageParallelism = 16;

    private readonly IPersistentState<UploadManifest> _manifest;
    private readonly IGrainStorage _storage;
    private readonly IBlockStore _blocks;
    private readonly IGrainStateStore _records;
    private readonly TimeProvider _timeProvider;
    private readonly UploadOptions _options;
    private readonly ILogger<UploadGrain> _logger;

    private readonly List<IStorage<UploadPartPage>> _pages = [];
    private readonly List<UploadPart?> _parts = [];
    private int _receivedCount;
    private long _receivedBytes;
    private DateTimeOffset? _lastAcceptedAt;

    public UploadGrain(
        [PersistentState(UploadKeys.ManifestStateName, UploadKeys.StorageName)] IPersistentState<UploadManifest> manifest,
        [FromKeyedServices(UploadKeys.StorageName)] IGrainStorage storage,
        IBlockStore blocks,
        IGrainStateStore records,
        TimeProvider timeProvider,
        IOptions<UploadOptions> options,
        ILogger<UploadGrain> logger)
    {
        _manifest = manifest;
        _storage = storage;
        _blocks = blocks;
        _records = records;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    private string BlobName => this.GetPrimaryKeyString();

    private UploadManifest Manifest => _manifest.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Orleans has read the manifest before activation.
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
            UploadId = UploadIdOf(BlobName),
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

        // The index first: an upload is never stored without the record that lists it and lets the sweep find it.
        await AddToIndexAsync(cancellationToken);
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

    private async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (!_manifest.RecordExists)
        {
            // Nothing to keep in memory for an id that does not exist.
            DeactivateOnIdle();
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

    private async Task FinishCompletionAsync(CancellationToken cancellationToken)
    {
        // Sealing every page fences out a stale activation: its chunk commit either landed before the seal (and is
        // read here, since the seal is conditional on the version read) or fails on the seal's new entity tag.
        await ForEachPageAsync(
            _pages.Where(p => !p.State.Sealed).ToArray(),
            page =>
            {
                page.State.Sealed = true;
                return WriteAsync(page, cancellationToken);
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

    private async Task WriteAsync<TState>(IStorage<TState> state, CancellationToken cancellationToken)
    {
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not InconsistentStateException)
        {
            // The write may or may not have happened: the in-memory state can no longer be trusted, so the
            // next call reloads it from storage in a new activation.
            DeactivateOnIdle();
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

    private static string UploadIdOf(string grainKey) => grainKey[(grainKey.LastIndexOf('/') + 1)..];
}
