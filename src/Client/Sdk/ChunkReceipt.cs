namespace Uploads.Client;

/// <summary>The server's acknowledgement of one chunk: a 200 means these bytes are durable.</summary>
public sealed class ChunkReceipt
{
    /// <summary>The chunk's index.</summary>
    public int Index { get; init; }

    /// <summary>The chunk's size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>The base64 SHA-256 of the bytes the server stored.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Whether an earlier copy of the chunk was swapped out.</summary>
    public bool Replaced { get; init; }
}
