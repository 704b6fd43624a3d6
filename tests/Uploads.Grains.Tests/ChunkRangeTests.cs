using Uploads.Abstractions;

namespace Uploads.Grains.Tests;

public sealed class ChunkRangeTests
{
    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 0 }, "0-0")]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 0, 1, 2, 41, 43 }, "0-2,41-41,43-43")]
    [InlineData(new[] { 5, 7, 8, 9 }, "5-5,7-9")]
    public void FromSorted_Indices_CollapseIntoFewestRanges(int[] indices, string expected)
    {
        var ranges = ChunkRange.FromSorted(indices);

        Assert.Equal(expected, string.Join(",", ranges.Select(r => $"{r.First}-{r.Last}")));
    }
}
