namespace Uploads.Storage;

/// <summary>A stored record and the entity tag of the version read.</summary>
/// <param name="Data">The record's bytes.</param>
/// <param name="ETag">The entity tag to pass to a conditional write of this record.</param>
public sealed record StateEntry(byte[] Data, string ETag);
