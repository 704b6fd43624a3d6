namespace Uploads.Abstractions;

/// <summary>
/// The one sweeper of the cluster (key 0). Every silo asks it for a pass at the sweep interval; Orleans keeps one
/// activation of it in the cluster and runs one pass at a time, and a pass asked for too soon after the last one does
/// nothing, so the uploads are swept once per interval whichever silos are up.
/// </summary>
[Alias("uploads.IUploadSweeperGrain")]
public interface IUploadSweeperGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Looks at the next batch of uploads and acts on those that need it, unless a pass ran less than
    /// <paramref name="minimumInterval"/> ago. Returns how many uploads were acted on.
    /// </summary>
    [Alias("Sweep")]
    Task<int> SweepAsync(TimeSpan minimumInterval, CancellationToken cancellationToken = default);
}
