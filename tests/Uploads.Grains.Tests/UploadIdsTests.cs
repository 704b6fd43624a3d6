using Uploads.Abstractions;
using Uploads.Testing;

namespace Uploads.Grains.Tests;

public sealed class UploadIdsTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("movie-2026.mp4_v2", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void IsValid_ClientChosenId_FollowsTheApiRule(string id, bool expected)
    {
        Assert.Equal(expected, UploadIds.IsValid(id));
    }

    [Fact]
    public void IsValid_IdOf129Characters_IsRefused()
    {
        Assert.False(UploadIds.IsValid(new string('a', 129)));
        Assert.True(UploadIds.IsValid(new string('a', 128)));
    }

    [Fact]
    public void NewId_LaterTime_SortsAfterEarlierAndIsValid()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.Parse("2026-11-22T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var first = UploadIds.NewId(clock);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = UploadIds.NewId(clock);

        Assert.Equal(26, first.Length);
        Assert.True(UploadIds.IsValid(first));
        Assert.True(string.CompareOrdinal(first, second) < 0);
    }
}
