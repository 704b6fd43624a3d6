namespace Uploads.Runtime.Cluster;

/// <summary>How a forwarded grain call ended, as far as the calling silo can tell.</summary>
internal enum ForwardStatus
{
    /// <summary>The owner ran the call and answered its result or its exception.</summary>
    Completed,

    /// <summary>The silo does not own the grain in its view (421): the call did not run.</summary>
    NotOwner,

    /// <summary>The silo is leaving or fenced (503): the call did not run.</summary>
    NotServing,

    /// <summary>No connection could be made (refused, timed out, unknown host): the call did not run.</summary>
    Unreachable,

    /// <summary>The connection broke or the owner gave no usable answer: the call may or may not have run.</summary>
    Broken,

    /// <summary>No answer within <see cref="ClusterOptions.ForwardTimeout"/>: the call may still be running.</summary>
    TimedOut,

    /// <summary>The owner refused the request itself (wrong cluster key, a message it cannot read): the call did not run.</summary>
    Rejected,
}
