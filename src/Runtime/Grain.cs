namespace Uploads.Runtime;

/// <summary>
/// The base class of grain implementations. The runtime creates one instance per activation, with its
/// constructor's parameters from dependency injection (an <see cref="IGrainContext"/> among them), and
/// calls it one turn at a time: no two calls of one activation ever run at once.
/// </summary>
public abstract class Grain
{
    /// <summary>Called once, before the first call of an activation. An exception fails that call and discards the activation.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when the activation is deactivated (idle, shutdown, or discarded after a state conflict).</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
