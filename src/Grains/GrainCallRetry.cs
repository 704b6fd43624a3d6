using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Uploads.Grains;

/// <summary>
/// Retries a grain call that Orleans refused for a reason another attempt can cure: the activation was dropped after
/// another activation of the same grain wrote first (<see cref="InconsistentStateException"/>, retried at once on a
/// fresh activation), or the silo that held the grain is gone or leaving (retried with backoff until the cluster has
/// declared it dead and placed the grain elsewhere). Every upload grain call is idempotent, so a retry of a call that
/// did land finds its own effect and succeeds.
/// </summary>
public static class GrainCallRetry
{
    /// <summary>How long calls are retried while a silo is unavailable before the caller gets the failure. Default: 12 s.</summary>
    public static readonly TimeSpan SiloUnavailableBudget = TimeSpan.FromSeconds(12);

    private const int MaxConflictRetries = 3;
    private static readonly TimeSpan s_firstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether <paramref name="exception"/> says the grain's silo could not be reached, is going away, or did not answer
    /// within Orleans' response timeout (a silo that died without closing its connections, until it is declared dead).
    /// </summary>
    public static bool IsSiloUnavailable(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or TimeoutException;

    /// <summary>Runs <paramref name="call"/>, retrying it as described on <see cref="GrainCallRetry"/>.</summary>
    public static async Task<T> InvokeAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var conflicts = 0;
        var delay = s_firstDelay;
        var deadline = Environment.TickCount64 + (long)SiloUnavailableBudget.TotalMilliseconds;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (InconsistentStateException) when (conflicts < MaxConflictRetries)
            {
                conflicts++;
            }
            catch (Exception exception) when (IsSiloUnavailable(exception) && Environment.TickCount64 + (long)delay.TotalMilliseconds < deadline)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxDelay.Ticks));
            }
        }
    }

    /// <inheritdoc cref="InvokeAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public static Task InvokeAsync(Func<Task> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return InvokeAsync(
            async () =>
            {
                await call();
                return true;
            },
            cancellationToken);
    }
}
