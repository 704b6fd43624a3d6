using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Uploads.Runtime;

/// <summary>
/// One activation of a grain: the grain instance, its persistent states and its turn. Every call, the activation
/// itself and every deactivation run in a turn, so no two of them ever overlap. The grain instance is created in the
/// first turn, with its own service scope; the activation reports what happens to it to the
/// <see cref="ActivationCatalog"/>, which keeps the directory, the count, the metrics and the log.
/// </summary>
internal sealed class Activation : IGrainContext
{
    private readonly ActivationCatalog _catalog;
    private readonly Type _grainClass;
    private readonly TurnGate _turn = new();
    private readonly Lock _statesLock = new();
    private readonly Dictionary<(string StateName, string? SubKey), object> _states = [];

    // Read and written in turns only, except _lastCallEndedTicks, which the collector reads before trying for a turn.
    private AsyncServiceScope _scope;
    private Grain? _grain;
    private bool _deactivated;
    private bool _deactivationRequested;
    private long _lastCallEndedTicks;

    public Activation(GrainId grainId, Type grainClass, ActivationCatalog catalog)
    {
        GrainId = grainId;
        _grainClass = grainClass;
        _catalog = catalog;
        _lastCallEndedTicks = catalog.TimeProvider.GetUtcNow().UtcTicks;
    }

    public GrainId GrainId { get; }

    public IPersistentState<TState> GetPersistentState<TState>(string stateName, string? subKey = null)
        where TState : class, new()
    {
        lock (_statesLock)
        {
            if (_states.TryGetValue((stateName, subKey), out var existing))
            {
                return existing as IPersistentState<TState>
                    ?? throw new InvalidOperationException($"State '{stateName}' of grain {GrainId} is in use as {existing.GetType()}; ask for each state with one type.");
            }

            var state = _catalog.StateFactory.Create<TState>(stateName, GrainId.Key, subKey);
            _states.Add((stateName, subKey), state);
            return state;
        }
    }

    public void DeactivateOnIdle() => _deactivationRequested = true;

    /// <summary>
    /// Runs <paramref name="call"/> in this activation's next free turn, activating the grain first if this is the first
    /// turn. Returns <c>Accepted: false</c> when the activation was deactivated before the call's turn came: the caller
    /// goes back to the catalog for the grain's next activation.
    /// </summary>
    public async Task<(bool Accepted, object? Result)> InvokeAsync(GrainCall call, GrainMethod method, CancellationToken cancellationToken)
    {
        await _turn.EnterAsync(cancellationToken);
        try
        {
            if (_deactivated)
            {
                return (false, null);
            }

            _grain ??= await ActivateAsync(cancellationToken);
            try
            {
                var arguments = method.GetInvocationArguments(call.Arguments, cancellationToken);
                var task = (Task?)call.Method.Invoke(_grain, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)
                    ?? throw new InvalidOperationException($"Grain method {call.Method.Name} of {GrainId} returned a null task.");
                await task;
                return (true, method.GetResult(task));
            }
            catch (InconsistentStateException)
            {
                // The in-memory state is stale: only a fresh activation, reading the stored version, may go on. The
                // caller's token is about the call, not about tearing down what the call left behind.
                await DeactivateCoreAsync(DeactivationReason.InconsistentState, CancellationToken.None);
                throw;
            }
            finally
            {
                Volatile.Write(ref _lastCallEndedTicks, _catalog.TimeProvider.GetUtcNow().UtcTicks);
                if (_deactivationRequested && !_deactivated)
                {
                    await DeactivateCoreAsync(DeactivationReason.Requested, CancellationToken.None);
                }
            }
        }
        finally
        {
            _turn.Exit();
        }
    }

    /// <summary>
    /// Deactivates this activation if no call ended within <paramref name="idleTimeout"/> before <paramref name="now"/>
    /// and no call holds its turn; never waits for a busy activation.
    /// </summary>
    public async Task<bool> TryDeactivateIdleAsync(DateTimeOffset now, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        if (!IsIdle(now, idleTimeout) || !_turn.TryEnter())
        {
            return false;
        }

        try
        {
            // A call may have ended between the first look and taking the turn.
            if (_deactivated || !IsIdle(now, idleTimeout))
            {
                return false;
            }

            await DeactivateCoreAsync(DeactivationReason.Idle, cancellationToken);
            return true;
        }
        finally
        {
            _turn.Exit();
        }
    }

    /// <summary>Deactivates this activation in its next turn, after the calls queued before.</summary>
    public async Task DeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _turn.EnterAsync(cancellationToken);
        try
        {
            if (!_deactivated)
            {
                await DeactivateCoreAsync(reason, cancellationToken);
            }
        }
        finally
        {
            _turn.Exit();
        }
    }

    private bool IsIdle(DateTimeOffset now, TimeSpan idleTimeout) =>
        now - new DateTimeOffset(Volatile.Read(ref _lastCallEndedTicks), TimeSpan.Zero) > idleTimeout;

    private async Task<Grain> ActivateAsync(CancellationToken cancellationToken)
    {
        var scope = _catalog.Services.CreateAsyncScope();
        Grain grain;
        try
        {
            grain = (Grain)ActivatorUtilities.CreateInstance(scope.ServiceProvider, _grainClass, this);
            await grain.OnActivateAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            // The grain never became active, so it gets no OnDeactivateAsync: its deactivation code may rely on what
            // activation would have loaded. The next call finds no activation and starts afresh.
            _deactivated = true;
            _catalog.OnActivationFailed(this, exception);
            await DisposeScopeAsync(scope, DeactivationReason.ActivationFailed);
            throw;
        }

        _scope = scope;
        _catalog.OnActivated(this);
        return grain;
    }

    private async Task DeactivateCoreAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated = true;
        if (_grain is null)
        {
            // Never activated (its first call has not had its turn): nothing to tear down.
            _catalog.OnDeactivated(this, reason, wasActive: false);
            return;
        }

        try
        {
            await _grain.OnDeactivateAsync(reason, cancellationToken);
        }
        catch (Exception exception)
        {
            // Nothing the grain does keeps an idle, stale or shutting-down activation alive.
            _catalog.OnDeactivationFailed(this, reason, exception);
        }

        // Leaves the directory only now, so that no new activation reads state while this one may still write it.
        _catalog.OnDeactivated(this, reason, wasActive: true);
        await DisposeScopeAsync(_scope, reason);
    }

    // Takes no token: disposal cannot be cancelled, and stopping half way would leak the scope's services.
    private async Task DisposeScopeAsync(AsyncServiceScope scope, DeactivationReason reason)
    {
        try
        {
            await scope.DisposeAsync();
        }
        catch (Exception exception)
        {
            // A service that fails to dispose must not fail the call or the deactivation that ended the activation.
            _catalog.OnDeactivationFailed(this, reason, exception);
        }
    }
}
