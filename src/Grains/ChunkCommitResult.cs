namespace Uploads.Grains;

/// <summary>The outcome of a chunk commit.</summary>
/// <param name="Upload">The upload with the chunk recorded.</param>
/// <param name="Replaced">True when an earlier copy of the chunk was swapped out.</param>
public sealed record ChunkCommitResult(UploadSnapshot Upload, bool Replaced);
