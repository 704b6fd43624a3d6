namespace Uploads.Runtime;

/// <summary>
/// The turn of one activation: held by one call at a time and handed to the waiting calls in arrival order.
/// SemaphoreSlim does not promise that order, and the collector needs to try for a turn without queuing behind
/// a busy activation.
/// </summary>
internal sealed class TurnGate
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private bool _held;

    /// <summary>Takes the turn if it is free; never waits.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_held)
            {
                return false;
            }

            _held = true;
            return true;
        }
    }

    /// <summary>Takes the turn, after every call that asked before; a cancelled wait gives up its place.</summary>
    public Task EnterAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }

            // Asynchronous continuations, so that the call handing the turn over does not run the next call inline
            // (under this lock, or deep in its own stack).
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        return cancellationToken.CanBeCanceled ? WaitAsync(waiter, cancellationToken) : waiter.Task;
    }

    /// <summary>Hands the turn to the longest-waiting call, or frees it.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            while (_waiters.TryDequeue(out var next))
            {
                // A waiter whose caller gave up is cancelled already, and is passed over.
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _held = false;
        }
    }

    private static async Task WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        // Whichever of the hand-over and the cancellation completes the waiter first wins; the other is a no-op.
        using (cancellationToken.Register(static (state, token) => ((TaskCompletionSource)state!).TrySetCanceled(token), waiter))
        {
            await waiter.Task;
        }
    }
}
