namespace Uploads.Storage;

/// <summary>
/// The two stores of the configured provider, made together so that they share settings and connections, and with what
/// makes them ready.
/// </summary>
internal sealed class ProviderStores
{
    private readonly Func<CancellationToken, Task> _initialize;

    public ProviderStores(IBlockStore blockStore, IGrainStateStore stateStore, Func<CancellationToken, Task> initialize)
    {
        BlockStore = blockStore;
        StateStore = stateStore;
        _initialize = initialize;
    }

    public IBlockStore BlockStore { get; }

    public IGrainStateStore StateStore { get; }

    /// <summary>Creates what the stores need (folders, containers) unless it exists.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _initialize(cancellationToken);
}
