namespace Uploads.Abstractions;

/// <summary>An upload operation refused for a reason the client can act on; never a fault of the server.</summary>
[GenerateSerializer, Alias("uploads.UploadException")]
public sealed class UploadException : Exception
{
    public UploadException(string code, string message, IReadOnlyList<ChunkRange>? missingChunks = null)
        : base(message)
    {
        Code = code;
        MissingChunks = missingChunks;
    }

    /// <summary>A code from <see cref="UploadErrorCodes"/>.</summary>
    [Id(0)]
    public string Code { get; }

    /// <summary>For <c>upload_incomplete</c>: the chunks still missing.</summary>
    [Id(1)]
    public IReadOnlyList<ChunkRange>? MissingChunks { get; }
}
