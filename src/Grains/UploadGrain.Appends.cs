using System.Security.Cryptography;
using Orleans.Storage;
using Uploads.Abstractions;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>Appends at an upload's offset (tus) and the composition of a final upload of a concatenation.</summary>
internal sealed partial class UploadGrain
{
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
                parts = await GrainFactory.GetGrain<IUploadGrain>(sourceName).GetPartsAsync(cancellationToken);
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

        await ForEachPageAsync(
            _pages,
            page =>
            {
                page.State.UpdatedAt = now;
                return WriteAsync(page, cancellationToken);
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
}
