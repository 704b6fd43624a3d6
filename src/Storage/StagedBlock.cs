namespace Uploads.Storage;

/// <summary>A block that is staged but not committed.</summary>
/// <param name="BlockId">The block's id.</param>
/// <param name="Length">The block's length in bytes.</param>
public sealed record StagedBlock(string BlockId, long Length);
