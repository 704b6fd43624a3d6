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

    /// <summary>The cluster's membership changed and another silo owns the grain now; its next call activates it there.</summary>
    PlacementChanged,

    /// <summary>
    /// This silo could not renew its membership in time (or was declared dead by the others), so it may no longer own
    /// any grain: every activation goes, and calls are refused until it is a member again.
    /// </summary>
    Fenced,
}
