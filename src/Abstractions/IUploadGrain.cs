namespace Uploads.Abstractions;

/// <summary>
/// One upload: its manifest, its state machine, the commits of its chunks and its completion. The key is
/// <c>{encoded tenant}/{upload id}</c> (<c>UploadKeys.GrainKey</c>) of the tenant and upload id, so a tenant can only ever reach its own uploads.
/// Chunk bytes never pass through the grain: the caller stages them in the block store and commits them here.
/// Refusals are <see cref="UploadException"/>s with a code from <see cref="UploadErrorCodes"/>.
/// </summary>
[Alias("uploads.IUploadGrain")]
public interface IUploadGrain : IGrainWithStringKey
{
    /// <summary>Creates the upload, or returns it unchanged when it exists with the same parameters (else <c>upload_id_conflict</c>).</summary>
    [Alias("Create")]
    Task<CreateUploadResult> CreateAsync(CreateUploadCommand command, CancellationToken cancellationToken = default);

    /// <summary>Reports the upload, finishing an interrupted completion first.</summary>
    [Alias("Get")]
    Task<UploadSnapshot> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks that chunk <paramref name="index"/> of <paramref name="length"/> bytes may be written now and says where to stage it.</summary>
    [Alias("BeginChunk")]
    Task<ChunkTarget> BeginChunkAsync(int index, long length, CancellationToken cancellationToken = default);

    /// <summary>Records a staged block as the latest copy of its chunk; durable when the task completes.</summary>
    [Alias("CommitChunk")]
    Task<ChunkCommitResult> CommitChunkAsync(ChunkCommit commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks that bytes may be appended at <paramref name="offset"/> now (it must be the upload's offset, else
    /// <c>offset_mismatch</c>) and says where to stage them. Only for uploads written by appends.
    /// </summary>
    [Alias("BeginAppend")]
    Task<AppendTarget> BeginAppendAsync(long offset, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends staged blocks at the upload's offset and declares a deferred length; durable when the task completes.
    /// An upload whose offset reaches its length is completed before this returns.
    /// </summary>
    [Alias("CommitAppend")]
    Task<UploadSnapshot> CommitAppendAsync(AppendCommit commit, CancellationToken cancellationToken = default);

    /// <summary>The parts of a completed upload, in order: what a concatenation composes it from.</summary>
    [Alias("GetParts")]
    Task<IReadOnlyList<UploadPart>> GetPartsAsync(CancellationToken cancellationToken = default);

    /// <summary>Commits every chunk, in index order, into one blob; idempotent once completed.</summary>
    [Alias("Complete")]
    Task<UploadSnapshot> CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Aborts the upload and releases its bytes; idempotent once aborted.</summary>
    [Alias("Abort")]
    Task AbortAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Terminates the upload whatever its state (tus termination): like <see cref="AbortAsync"/>, but a completed upload
    /// is ended too and its delivered file released. Idempotent once aborted; an expired upload is refused.
    /// </summary>
    [Alias("Terminate")]
    Task TerminateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Housekeeping for the background sweep: expires the upload if it is due, finishes an interrupted completion,
    /// retries releasing the bytes of an aborted or expired upload, and deletes the manifest of a terminal upload
    /// whose retention period has passed. Returns true when the upload was deleted.
    /// </summary>
    [Alias("Sweep")]
    Task<bool> SweepAsync(CancellationToken cancellationToken = default);
}
