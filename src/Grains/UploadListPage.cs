using Uploads.Abstractions;

namespace Uploads.Grains;

/// <summary>One page of a tenant's uploads.</summary>
/// <param name="Items">The uploads, in the order of their ids.</param>
/// <param name="NextAfter">The upload id to list after for the next page, or <see langword="null"/> when there is none.</param>
public sealed record UploadListPage(IReadOnlyList<UploadSnapshot> Items, string? NextAfter);
