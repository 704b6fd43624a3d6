namespace Uploads.Runtime.Cluster;

/// <summary>Counts the grain calls running on this silo's activations, so that a silo leaving the cluster can wait for them.</summary>
internal sealed class InFlightCalls
{
    private readonly Lock _lock = new();
    private int _count;
    private TaskCompletionSource? _idle;

    /// <summary>The calls running now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Counts a call until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        lock (_lock)
        {
            _count++;
        }

        return new Scope(this);
    }

    /// <summary>Completes when no call runs; at once if none does.</summary>
    public Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    private void Exit()
    {
        lock (_lock)
        {
            if (--_count == 0 && _idle is { } idle)
            {
                _idle = null;
                idle.TrySetResult();
            }
        }
    }

    /// <summary>One counted call.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly InFlightCalls _owner;

        internal Scope(InFlightCalls owner)
        {
            _owner = owner;
        }

        public void Dispose() => _owner.Exit();
    }
}
