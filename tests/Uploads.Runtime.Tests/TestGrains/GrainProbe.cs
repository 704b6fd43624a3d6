using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Uploads.Runtime.Tests.TestGrains;

/// <summary>What the test grains report to the test, and the signals a test uses to hold their calls.</summary>
internal sealed class GrainProbe
{
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private readonly List<int> _entryOrder = [];
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _releases = new();
    private int _instances;
    private int _activationsToFail;
    private int _running;
    private int _maxRunning;

    /// <summary>The ids of the gate calls that entered their grain method, as they enter.</summary>
    public Channel<int> Entered { get; } = Channel.CreateUnbounded<int>();

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<int> EntryOrder
    {
        get
        {
            lock (_lock)
            {
                return [.. _entryOrder];
            }
        }
    }

    public int MaxConcurrency => Volatile.Read(ref _maxRunning);

    public int Count(string prefix) => Events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));

    public int NewInstance() => Interlocked.Increment(ref _instances);

    public void FailNextActivations(int count) => Volatile.Write(ref _activationsToFail, count);

    public bool ShouldFailActivation() => Interlocked.Decrement(ref _activationsToFail) >= 0;

    public void Record(string @event)
    {
        lock (_lock)
        {
            _events.Add(@event);
        }
    }

    public void Release(int callId) => ReleaseSignal(callId).TrySetResult();

    public async Task RunGateAsync(int callId, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        lock (_lock)
        {
            _entryOrder.Add(callId);
        }

        Entered.Writer.TryWrite(callId);
        try
        {
            await ReleaseSignal(callId).Task.WaitAsync(cancellationToken);
            Record($"exit:{callId}");
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private TaskCompletionSource ReleaseSignal(int callId) =>
        _releases.GetOrAdd(callId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
