using System.Collections.Concurrent;

namespace Uploads.Client.Tests.Fakes;

/// <summary>
/// A clock whose timers fire at once and remember what they were set to: a test sees every delay the client chose
/// without waiting for any of them. <see cref="GetUtcNow"/> stands still at <see cref="Now"/>.
/// </summary>
internal sealed class RecordingTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    public DateTimeOffset Now { get; } = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The due times of the timers set, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => _delays.ToArray();

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ImmediateTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ImmediateTimer : ITimer
    {
        private readonly RecordingTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;

        public ImmediateTimer(RecordingTimeProvider owner, TimerCallback callback, object? state)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _owner._delays.Enqueue(dueTime);
                // Not on the caller's stack: Task.Delay is still setting itself up when it creates its timer.
                ThreadPool.QueueUserWorkItem(_ => _callback(_state));
            }

            return true;
        }

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
