using Uploads.Storage;

namespace Uploads.Runtime.Tests.TestGrains;

/// <summary>Throws what it is asked to, for tests of how exceptions cross between silos.</summary>
internal sealed class FaultGrain : Grain, IFaultGrain
{
    // The runtime hands every grain its context; this one needs nothing of it.
    public FaultGrain(IGrainContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
    }

    public Task ThrowAsync(string kind, string message, CancellationToken cancellationToken = default) => throw (kind switch
    {
        "refusal" => new TestRefusalException("too_late", message),
        "storage" => new StorageException(StorageErrorCode.Unavailable, message),
        "conflict" => new InconsistentStateException(message),
        _ => (Exception)new ArgumentException(message),
    });
}
