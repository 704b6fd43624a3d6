namespace Uploads.Abstractions;

/// <summary>
/// Appends staged blocks to an upload at <paramref name="Offset"/>, which must still be its offset, and, for an
/// upload whose length was deferred, declares the length.
/// </summary>
/// <param name="Offset">The offset the blocks were written at, as <see cref="IUploadGrain.BeginAppendAsync"/> reported it.</param>
/// <param name="Blocks">The staged blocks, in order; may be empty when only the length is declared.</param>
/// <param name="Length">The upload's length, when the client declares it with these blocks.</param>
[GenerateSerializer, Immutable, Alias("uploads.AppendCommit")]
public sealed record AppendCommit(
    [property: Id(0)] long Offset,
    [property: Id(1)] IReadOnlyList<AppendedBlock> Blocks,
    [property: Id(2)] long? Length = null);

/// <summary>One staged block appended by an <see cref="AppendCommit"/>.</summary>
/// <param name="BlockId">The id of the durable staged block.</param>
/// <param name="Size">The block's length, at least 1.</param>
/// <param name="Sha256">The SHA-256 of the block's bytes, computed while they were staged.</param>
[GenerateSerializer, Immutable, Alias("uploads.AppendedBlock")]
public sealed record AppendedBlock(
    [property: Id(0)] string BlockId,
    [property: Id(1)] long Size,
    [property: Id(2)] byte[] Sha256);
