namespace Uploads.Runtime.Cluster;

/// <summary>A membership record as read, with the entity tag a conditional write of it needs.</summary>
/// <param name="Record">The record.</param>
/// <param name="ETag">Its entity tag; it changes on every write, so a silo that heartbeats keeps changing it.</param>
internal sealed record MembershipEntry(MembershipRecord Record, string ETag);
