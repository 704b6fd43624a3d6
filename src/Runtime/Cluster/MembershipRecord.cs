namespace Uploads.Runtime.Cluster;

/// <summary>
/// A silo's record in the membership table, <c>membership/{siloId}</c> in the grain state store. Each silo writes its
/// own, conditional on the entity tag it last wrote; the others only ever declare it dead, conditional on the entity tag
/// they read, so a silo that is alive after all finds out at its next heartbeat.
/// </summary>
internal sealed record MembershipRecord
{
    public required string SiloId { get; init; }

    /// <summary>Random per process: tells a restarted silo, or a second process with the same id, from the one that wrote.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The silo's internal URL.</summary>
    public required string Address { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the silo last renewed the record, by its own clock. The others judge liveness by the entity tag changing, not by this.</summary>
    public required DateTimeOffset LastHeartbeat { get; init; }

    public required SiloStatus Status { get; init; }

    public int ActivationCount { get; init; }
}
