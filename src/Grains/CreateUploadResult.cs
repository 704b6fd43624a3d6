namespace Uploads.Grains;

/// <summary>The outcome of a create.</summary>
/// <param name="Upload">The upload as it is now.</param>
/// <param name="Created">True when this call created it; false when an identical upload already existed.</param>
public sealed record CreateUploadResult(UploadSnapshot Upload, bool Created);
