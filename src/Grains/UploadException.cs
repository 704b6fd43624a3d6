namespace Uploads.Grains;

/// <summary>An upload operation refused for a reason the client can act on; never a fault of the server.</summary>
public sealed class UploadException : Exception
{
    public UploadException(string code, string message, IReadOnlyList<ChunkRange>? missingChunks = null)
        : base(message)
    {
        Code = code;
        MissingChunks = missingChunks;
    }

    /// <summary>A code from <see cref="UploadErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>For <c>upload_incomplete</c>: the chunks still missing.</summary>
    public IReadOnlyList<ChunkRange>? MissingChunks { get; }
}
