namespace Uploads.Storage;

/// <summary>What a commit records on the blob besides its bytes.</summary>
/// <param name="ContentType">The content type served with the blob.</param>
/// <param name="Metadata">Name-value pairs; names are ASCII letters and digits (Azure's rule for metadata names).</param>
public sealed record BlobCommitOptions(string ContentType, IReadOnlyDictionary<string, string> Metadata);
