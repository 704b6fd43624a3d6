using System.Text.Json.Serialization;

namespace Uploads.Grains;

/// <summary>
/// An upload's part in a concatenation (tus <c>concatenation</c>): a partial upload is written like any other and
/// later composed; a final upload is composed, at its creation, of completed partial uploads, in order.
/// </summary>
public sealed record UploadConcat
{
    /// <summary>Whether the upload is a partial or a final one.</summary>
    public required UploadConcatKind Kind { get; init; }

    /// <summary>For a final upload: the ids of the partial uploads it is made of, in order; empty for a partial one.</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];
}

/// <summary>The kinds of <see cref="UploadConcat"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UploadConcatKind>))]
public enum UploadConcatKind
{
    /// <summary>Written by appends; meant to be composed into final uploads, and complete on its own once its offset reaches its length.</summary>
    Partial,

    /// <summary>Composed of completed partial uploads when it is created; never written to.</summary>
    Final,
}
