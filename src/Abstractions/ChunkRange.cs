namespace Uploads.Abstractions;

/// <summary>An inclusive range of chunk indices.</summary>
/// <param name="First">The first index in the range.</param>
/// <param name="Last">The last index in the range, at least <paramref name="First"/>.</param>
[GenerateSerializer, Immutable, Alias("uploads.ChunkRange")]
public readonly record struct ChunkRange([property: Id(0)] int First, [property: Id(1)] int Last)
{
    /// <summary>Collapses ascending indices into the fewest inclusive ranges.</summary>
    public static IReadOnlyList<ChunkRange> FromSorted(IEnumerable<int> sortedIndices)
    {
        var ranges = new List<ChunkRange>();
        int? first = null;
        var last = 0;
        foreach (var index in sortedIndices)
        {
            if (first is null)
            {
                first = index;
            }
            else if (index != last + 1)
            {
                ranges.Add(new ChunkRange(first.Value, last));
                first = index;
            }

            last = index;
        }

        if (first is not null)
        {
            ranges.Add(new ChunkRange(first.Value, last));
        }

        return ranges;
    }
}
