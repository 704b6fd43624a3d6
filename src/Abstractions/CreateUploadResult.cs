namespace Uploads.Abstractions;

/// <summary>The outcome of a create.</summary>
/// <param name="Upload">The upload as it is now.</param>
/// <param name="Created">True when this call created it; false when an identical upload already existed.</param>
[GenerateSerializer, Immutable, Alias("uploads.CreateUploadResult")]
public sealed record CreateUploadResult([property: Id(0)] UploadSnapshot Upload, [property: Id(1)] bool Created);
