namespace Uploads.Runtime.Cluster;

/// <summary>The outcome of forwarding one grain call.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Response">For <see cref="ForwardStatus.Completed"/>: the owner's answer.</param>
/// <param name="Detail">Otherwise: what went wrong, for the log and the exception.</param>
internal readonly record struct ForwardResult(ForwardStatus Status, GrainCallResponse? Response = null, string? Detail = null);
