using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Uploads.Runtime;

/// <summary>
/// The directory of this silo's activations, keyed by grain id, and the local <see cref="IGrainCallInvoker"/>: a call
/// goes to the grain's activation (created on the first call), and is retried on a fresh activation when the previous
/// one found its state stale. Also runs idle collection and deactivation on shutdown, and counts the active activations.
/// </summary>
internal sealed partial class ActivationCatalog : IGrainCallInvoker, IGrainRuntimeStatistics
{
    // Deactivation hooks may write state; this bounds how many idle activations load the store at once.
    private const int CollectionParallelism = 16;

    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly GrainRuntimeMetrics _metrics;
    private readonly GrainRuntimeOptions _options;
    private readonly ILogger<ActivationCatalog> _logger;
    private int _activeCount;

    public ActivationCatalog(
        IServiceProvider services,
        GrainTypeRegistry registry,
        PersistentStateFactory stateFactory,
        GrainRuntimeMetrics metrics,
        TimeProvider timeProvider,
        IOptions<GrainRuntimeOptions> options,
        ILogger<ActivationCatalog> logger)
    {
        Services = services;
        _registry = registry;
        StateFactory = stateFactory;
        _metrics = metrics;
        TimeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public int ActivationCount => Volatile.Read(ref _activeCount);

    internal IServiceProvider Services { get; }

    internal PersistentStateFactory StateFactory { get; }

    internal TimeProvider TimeProvider { get; }

    public async Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var method = _registry.GetMethod(call.Method);
        var grainClass = _registry.GetByType(call.GrainId.Type).GrainClass;
        var conflicts = 0;
        while (true)
        {
            // A losing racer's activation is never used: it creates nothing until its first turn.
            var activation = _activations.GetOrAdd(
                call.GrainId,
                static (grainId, state) => new Activation(grainId, state.GrainClass, state.Catalog),
                (GrainClass: grainClass, Catalog: this));
            try
            {
                var (accepted, result) = await activation.InvokeAsync(call, method, cancellationToken);
                if (accepted)
                {
                    return result;
                }

                // That activation was deactivated while the call waited for its turn; its successor takes the call.
            }
            catch (InconsistentStateException exception) when (conflicts < _options.MaxConflictRetries)
            {
                // The activation has discarded itself; the next one reads the stored version before the call runs again.
                conflicts++;
                LogConflictRetry(_logger, call.GrainId, call.Method.Name, conflicts, _options.MaxConflictRetries, exception);
            }
        }
    }

    /// <summary>Deactivates (reason <see cref="DeactivationReason.Idle"/>) every activation idle longer than the idle timeout and not busy; returns how many.</summary>
    internal async Task<int> CollectIdleAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        var collected = 0;
        var parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = CollectionParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(_activations.Values, parallelOptions, async (activation, token) =>
        {
            if (await activation.TryDeactivateIdleAsync(now, _options.IdleTimeout, token))
            {
                Interlocked.Increment(ref collected);
            }
        });
        return collected;
    }

    /// <summary>Deactivates every activation, each after the calls queued on it; bounded by <paramref name="cancellationToken"/>.</summary>
    internal Task DeactivateAllAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        DeactivateWhereAsync(static _ => true, reason, cancellationToken);

    /// <summary>
    /// Deactivates the activations of the grains <paramref name="predicate"/> selects, each after the calls queued on
    /// it; returns how many it selected. Bounded by <paramref name="cancellationToken"/>.
    /// </summary>
    internal async Task<int> DeactivateWhereAsync(Func<GrainId, bool> predicate, DeactivationReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var selected = _activations.Values.Where(activation => predicate(activation.GrainId)).ToList();

        // All at once: an activation busy with a long call must not hold up the deactivation of the others.
        await Task.WhenAll(selected.Select(activation => activation.DeactivateAsync(reason, cancellationToken)));
        return selected.Count;
    }

    internal void OnActivated(Activation activation)
    {
        Interlocked.Increment(ref _activeCount);
        _metrics.ActivationAdded(activation.GrainId.Type);
        LogActivated(_logger, activation.GrainId);
    }

    internal void OnActivationFailed(Activation activation, Exception exception)
    {
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));
        LogActivationFailed(_logger, activation.GrainId, exception);
    }

    internal void OnDeactivationFailed(Activation activation, DeactivationReason reason, Exception exception) =>
        LogDeactivationFailed(_logger, activation.GrainId, reason, exception);

    internal void OnDeactivated(Activation activation, DeactivationReason reason, bool wasActive)
    {
        // Removes this activation only: the id may already belong to a successor.
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));
        if (wasActive)
        {
            Interlocked.Decrement(ref _activeCount);
            _metrics.ActivationRemoved(activation.GrainId.Type);
            LogDeactivated(_logger, activation.GrainId, reason);
        }
    }
}
