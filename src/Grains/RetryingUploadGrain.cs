using Uploads.Abstractions;

namespace Uploads.Grains;

/// <summary>
/// A caller's view of an upload's grain (the gateway's, say): each call goes to the grain through Orleans and is
/// retried by <see cref="GrainCallRetry"/> when Orleans refused it for a reason another attempt cures, so that a
/// client sees 503 <c>silo_unavailable</c> only when the retries failed too.
/// </summary>
public sealed class RetryingUploadGrain : IUploadGrain
{
    private readonly IUploadGrain _grain;

    public RetryingUploadGrain(IUploadGrain grain)
    {
        _grain = grain;
    }

    public Task<CreateUploadResult> CreateAsync(CreateUploadCommand command, CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.CreateAsync(command, cancellationToken), cancellationToken);

    public Task<UploadSnapshot> GetAsync(CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.GetAsync(cancellationToken), cancellationToken);

    public Task<ChunkTarget> BeginChunkAsync(int index, long length, CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.BeginChunkAsync(index, length, cancellationToken), cancellationToken);

    public Task<ChunkCommitResult> CommitChunkAsync(ChunkCommit commit, CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.CommitChunkAsync(commit, cancellationToken), cancellationToken);

    public Task<AppendTarget> BeginAppendAsync(long offset, CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.BeginAppendAsync(offset, cancellationToken), cancellationToken);

    public Task<UploadSnapshot> CommitAppendAsync(AppendCommit commit, CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.CommitAppendAsync(commit, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<UploadPart>> GetPartsAsync(CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.GetPartsAsync(cancellationToken), cancellationToken);

    public Task<UploadSnapshot> CompleteAsync(CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.CompleteAsync(cancellationToken), cancellationToken);

    public Task AbortAsync(CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.AbortAsync(cancellationToken), cancellationToken);

    public Task TerminateAsync(CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.TerminateAsync(cancellationToken), cancellationToken);

    public Task<bool> SweepAsync(CancellationToken cancellationToken = default) =>
        GrainCallRetry.InvokeAsync(() => _grain.SweepAsync(cancellationToken), cancellationToken);
}
