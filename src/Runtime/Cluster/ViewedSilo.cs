namespace Uploads.Runtime.Cluster;

/// <summary>Another silo as this silo's membership view has it.</summary>
/// <param name="Record">Its record as last read.</param>
/// <param name="Status">Its status as judged here: <see cref="SiloStatus.Dead"/> when its record is marked so or went unrenewed too long.</param>
/// <param name="Address">Its internal URL, or <see langword="null"/> when the record's is not one.</param>
internal sealed record ViewedSilo(MembershipRecord Record, SiloStatus Status, Uri? Address);
