namespace Uploads.Runtime.Cluster;

/// <summary>What one reading of the membership table found.</summary>
/// <param name="View">The new view.</param>
/// <param name="Stale">Records of silos found dead by their unrenewed record, not yet marked dead: to declare dead.</param>
/// <param name="Expired">Records of dead silos past <see cref="ClusterOptions.DeadSiloRetention"/>: to delete.</param>
internal sealed record MembershipObservation(MembershipView View, IReadOnlyList<MembershipEntry> Stale, IReadOnlyList<MembershipEntry> Expired);
