namespace Uploads.Client.Serialization;

/// <summary>An <c>application/problem+json</c> answer (RFC 9457) with the API's members.</summary>
internal sealed class ProblemDocument
{
    public int? Status { get; init; }

    public string? Title { get; init; }

    public string? Detail { get; init; }

    public string? Code { get; init; }

    public IReadOnlyList<ChunkRange>? MissingChunks { get; init; }
}
