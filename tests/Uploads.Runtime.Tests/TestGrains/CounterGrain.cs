namespace Uploads.Runtime.Tests.TestGrains;

/// <summary>Keeps a list of entries in persistent state "counter" and reports its lifecycle to the <see cref="GrainProbe"/>.</summary>
internal sealed class CounterGrain : Grain, ICounterGrain
{
    private readonly IGrainContext _context;
    private readonly IPersistentState<CounterState> _state;
    private readonly GrainProbe _probe;
    private readonly int _instance;

    public CounterGrain(IGrainContext context, GrainProbe probe)
    {
        _context = context;
        _state = context.GetPersistentState<CounterState>("counter");
        _probe = probe;
        _instance = probe.NewInstance();
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_probe.ShouldFailActivation())
        {
            throw new InvalidOperationException("Activation failed on purpose.");
        }

        await _state.ReadStateAsync(cancellationToken);
        _probe.Record($"activate:{_context.GrainId.Key}:{_instance}");
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _probe.Record($"deactivate:{_context.GrainId.Key}:{_instance}:{reason}");
        return Task.CompletedTask;
    }

    public Task<int> GetInstanceAsync() => Task.FromResult(_instance);

    public async Task<IReadOnlyList<string>> AppendAsync(string entry, CancellationToken cancellationToken = default)
    {
        _state.State.Entries.Add(entry);
        await _state.WriteStateAsync(cancellationToken);
        return _state.State.Entries;
    }

    public Task<IReadOnlyList<string>> GetEntriesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(_state.State.Entries);

    public Task ClearAsync(CancellationToken cancellationToken = default) => _state.ClearStateAsync(cancellationToken);

    public Task DeactivateAfterCallAsync(CancellationToken cancellationToken = default)
    {
        _context.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ThrowAsync(string message) => throw new ArgumentException(message);
}
