namespace Uploads.Runtime.Cluster;

/// <summary>
/// What a silo knows of the cluster it belongs to: its own id, and the silos of its current membership view. A single
/// silo (no <see cref="ClusterOptions.InternalUrl"/>) is a cluster of one.
/// </summary>
public interface IClusterMembership
{
    /// <summary>This silo's id.</summary>
    string LocalSiloId { get; }

    /// <summary>Whether this silo is part of a cluster, rather than running alone.</summary>
    bool IsClustered { get; }

    /// <summary>This silo's own status: <see cref="SiloStatus.Active"/> while it serves grain calls.</summary>
    SiloStatus LocalStatus { get; }

    /// <summary>
    /// The silos of this silo's current view, itself included, ordered by id; dead silos stay listed until their records
    /// are deleted (<see cref="ClusterOptions.DeadSiloRetention"/>).
    /// </summary>
    IReadOnlyList<SiloInfo> GetSilos();

    /// <summary>
    /// Whether this silo owns <paramref name="grainId"/> in its current view, as placement would choose now; always
    /// true for a silo alone. Views differ for a moment while membership changes, so this is for sharing work out,
    /// never for correctness.
    /// </summary>
    bool IsLocalOwner(GrainId grainId);
}
