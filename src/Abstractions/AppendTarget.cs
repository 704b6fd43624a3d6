namespace Uploads.Abstractions;

/// <summary>Where the next bytes of an appended upload go.</summary>
/// <param name="BlobName">The blob to stage blocks of.</param>
/// <param name="Offset">The upload's offset: the bytes it holds.</param>
/// <param name="NextIndex">The index of the next part; the next blocks take the indices from here on.</param>
/// <param name="Length">The upload's length, or <see langword="null"/> while it is deferred.</param>
/// <param name="MaxPartSize">The largest part the upload takes: a longer body is cut into parts of at most this size.</param>
[GenerateSerializer, Immutable, Alias("uploads.AppendTarget")]
public sealed record AppendTarget(
    [property: Id(0)] string BlobName,
    [property: Id(1)] long Offset,
    [property: Id(2)] int NextIndex,
    [property: Id(3)] long? Length,
    [property: Id(4)] long MaxPartSize);
