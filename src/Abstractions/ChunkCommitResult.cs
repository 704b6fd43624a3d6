namespace Uploads.Abstractions;

/// <summary>The outcome of a chunk commit.</summary>
/// <param name="Upload">The upload with the chunk recorded.</param>
/// <param name="Replaced">True when an earlier copy of the chunk was swapped out.</param>
[GenerateSerializer, Immutable, Alias("uploads.ChunkCommitResult")]
public sealed record ChunkCommitResult([property: Id(0)] UploadSnapshot Upload, [property: Id(1)] bool Replaced);
