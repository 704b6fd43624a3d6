using System.Text.Json.Serialization;

namespace Uploads.Abstractions;

/// <summary>
/// An upload's part in a concatenation (tus <c>concatenation</c>): a partial upload is written like any other and
/// later composed; a final upload is composed, at its creation, of completed partial uploads, in order.
/// </summary>
[GenerateSerializer, Immutable, Alias("uploads.UploadConcat")]
public sealed record UploadConcat
{
    /// <summary>Whether the upload is a partial or a final one.</summary>
    [Id(0)]
    public required UploadConcatKind Kind { get; init; }

    /// <summary>For a final upload: the ids of the partial uploads it is made of, in order; empty for a partial one.</summary>
    [Id(1)]
    public IReadOnlyList<string> Parts { get; init; } = [];
}

/// <summary>The kinds of <see cref="UploadConcat"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UploadConcatKind>))]
[GenerateSerializer, Alias("uploads.UploadConcatKind")]
public enum UploadConcatKind
{
    /// <summary>Written by appends; meant to be composed into final uploads, and complete on its own once its offset reaches its length.</summary>
    Partial,

    /// <summary>Composed of completed partial uploads when it is created; never written to.</summary>
    Final,
}
