using Uploads.Abstractions;

namespace Uploads.Grains.Tests;

public sealed class ChunkPlanTests
{
    private const long MiB = 1024 * 1024;

    private static readonly UploadLimitsOptions s_limits = new();

    [Theory]
    [InlineData(0, 8 * MiB, 0)]
    [InlineData(1, 8 * MiB, 1)]
    [InlineData(8 * MiB, 8 * MiB, 1)]
    [InlineData((8 * MiB) + 1, 8 * MiB, 2)]
    [InlineData(2L * 1024 * MiB, 8 * MiB, 256)]
    [InlineData(10_000 * 8 * MiB, 8 * MiB, 10_000)]
    [InlineData((10_000 * 8 * MiB) + 1, 9 * MiB, 8_889)]
    [InlineData(1L << 40, 105 * MiB, 9_987)]
    public void For_NoChunkSizeRequested_PicksDefaultRaisedToStayWithinMaxChunkCount(long size, long expectedChunkSize, int expectedCount)
    {
        var plan = ChunkPlan.For(size, requestedChunkSize: null, s_limits);

        Assert.Equal(expectedChunkSize, plan.ChunkSize);
        Assert.Equal(expectedCount, plan.ChunkCount);
        Assert.True(plan.ChunkCount <= s_limits.MaxChunkCount);
    }

    [Theory]
    [InlineData(100 * MiB, 64 * 1024, 1600)]
    [InlineData(100 * MiB, 3 * MiB, 34)]
    [InlineData(0, MiB, 0)]
    public void For_ValidChunkSizeRequested_UsesIt(long size, long chunkSize, int expectedCount)
    {
        var plan = ChunkPlan.For(size, chunkSize, s_limits);

        Assert.Equal(chunkSize, plan.ChunkSize);
        Assert.Equal(expectedCount, plan.ChunkCount);
    }

    [Theory]
    [InlineData(100 * MiB, 1024, "validation_error")]
    [InlineData(100 * MiB, 1024 * MiB, "validation_error")]
    [InlineData(10 * 1024 * MiB, 64 * 1024, "validation_error")]
    [InlineData(-1, MiB, "validation_error")]
    [InlineData((1L << 40) + 1, MiB, "payload_too_large")]
    public void For_InvalidRequest_RefusesWithCode(long size, long chunkSize, string code)
    {
        var exception = Assert.Throws<UploadException>(() => ChunkPlan.For(size, chunkSize, s_limits));

        Assert.Equal(code, exception.Code);
    }

    [Theory]
    [InlineData(0, 4 * MiB)]
    [InlineData(1, 4 * MiB)]
    [InlineData(2, (2 * MiB) + 5)]
    public void SizeOf_LastChunk_IsTheRemainder(int index, long expected)
    {
        var size = (10 * MiB) + 5;
        var plan = ChunkPlan.For(size, 4 * MiB, s_limits);

        Assert.Equal(3, plan.ChunkCount);
        Assert.Equal(expected, plan.SizeOf(index, size));
    }
}
