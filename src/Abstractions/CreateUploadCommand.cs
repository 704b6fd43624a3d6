namespace Uploads.Abstractions;

/// <summary>Creates an upload. The caller has validated every field and chosen the chunk size.</summary>
/// <param name="FileName">The file name, as the client gave it.</param>
/// <param name="ContentType">The content type served with the file.</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="ChunkSize">The size of every chunk but the last.</param>
/// <param name="Metadata">The client's name-value pairs.</param>
/// <param name="Mode">How the upload is written. An appended upload takes parts of up to <paramref name="ChunkSize"/> bytes.</param>
/// <param name="SizeDeferred">For an appended upload: its length is declared later; <paramref name="Size"/> is zero.</param>
/// <param name="Concat">For an appended upload: its part in a concatenation. A final upload is composed as it is created.</param>
[GenerateSerializer, Immutable, Alias("uploads.CreateUploadCommand")]
public sealed record CreateUploadCommand(
    [property: Id(0)] string FileName,
    [property: Id(1)] string ContentType,
    [property: Id(2)] long Size,
    [property: Id(3)] long ChunkSize,
    [property: Id(4)] IReadOnlyDictionary<string, string> Metadata,
    [property: Id(5)] UploadWriteMode Mode = UploadWriteMode.Chunks,
    [property: Id(6)] bool SizeDeferred = false,
    [property: Id(7)] UploadConcat? Concat = null);
