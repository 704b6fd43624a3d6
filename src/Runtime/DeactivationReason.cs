namespace Uploads.Runtime;

/// <summary>Why an activation was deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>No call reached it for the configured idle time.</summary>
    Idle,

    /// <summary>The grain asked for it with <see cref="IGrainContext.DeactivateOnIdle"/>.</summary>
    Requested,

    /// <summary>A state write found another version: the in-memory state is stale and is discarded.</summary>
    InconsistentState,

    /// <summary>The activation failed to activate.</summary>
    ActivationFailed,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,
}
