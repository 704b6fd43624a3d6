namespace Uploads.Runtime.Cluster;

/// <summary>One silo of the cluster as the silo asked sees it.</summary>
/// <param name="SiloId">The silo's id (<see cref="ClusterOptions.SiloId"/>).</param>
/// <param name="Status">The silo's status in this view.</param>
/// <param name="Address">Its internal URL, where the other silos forward grain calls; <see langword="null"/> for a single silo.</param>
/// <param name="StartedAt">When its process joined.</param>
/// <param name="LastHeartbeat">When it last renewed its record, by its own clock; <see langword="null"/> for a single silo.</param>
/// <param name="ActivationCount">Its active grain activations: counted now for the silo itself, as of its last heartbeat for the others.</param>
/// <param name="IsSelf">Whether this is the silo asked.</param>
public sealed record SiloInfo(
    string SiloId,
    SiloStatus Status,
    Uri? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset? LastHeartbeat,
    int ActivationCount,
    bool IsSelf);
