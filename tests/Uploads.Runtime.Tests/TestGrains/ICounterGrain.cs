namespace Uploads.Runtime.Tests.TestGrains;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Which grain instance (activation) ran the call; no cancellation token, on purpose.</summary>
    Task<int> GetInstanceAsync();

    Task<IReadOnlyList<string>> AppendAsync(string entry, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> GetEntriesAsync(CancellationToken cancellationToken = default);

    Task ClearAsync(CancellationToken cancellationToken = default);

    Task DeactivateAfterCallAsync(CancellationToken cancellationToken = default);

    Task ThrowAsync(string message);
}
