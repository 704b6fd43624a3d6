namespace Uploads.Storage;

/// <summary>
/// The two stores of the configured provider, made together so that they share settings and connections, with what
/// makes them ready and what they own.
/// </summary>
internal sealed class ProviderStores : IDisposable
{
    private readonly Func<CancellationToken, Task> _initialize;
    private readonly IDisposable? _owned;

    public ProviderStores(IBlockStore blockStore, IGrainStateStore stateStore, Func<CancellationToken, Task> initialize, IDisposable? owned)
    {
        BlockStore = blockStore;
        StateStore = stateStore;
        _initialize = initialize;
        _owned = owned;
    }

    public IBlockStore BlockStore { get; }

    public IGrainStateStore StateStore { get; }

    /// <summary>Creates what the stores need (folders, containers) unless it exists.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _initialize(cancellationToken);

    public void Dispose() => _owned?.Dispose();
}
