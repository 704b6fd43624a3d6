using Uploads.Runtime.Cluster;

namespace Uploads.Runtime.Tests.Cluster;

public sealed class RendezvousPlacementTests
{
    private const int GrainCount = 20_000;

    private static readonly string[] s_threeSilos = ["silo-1", "silo-2", "silo-3"];

    [Fact]
    public void SelectOwner_SameSilosInAnyOrder_SameOwner()
    {
        for (var i = 0; i < 1000; i++)
        {
            var grain = Grain(i);
            var owner = RendezvousPlacement.SelectOwner(grain, s_threeSilos);

            Assert.Equal(owner, RendezvousPlacement.SelectOwner(grain, s_threeSilos.Reverse()));
            Assert.Equal(owner, RendezvousPlacement.SelectOwner(grain, ["silo-2", "silo-3", "silo-1"]));
        }
    }

    [Theory]
    [InlineData("upload", "bG9jYWw/01M815NQ16Q6V8YKKA5G0MZ8H6", "silo-3")]
    [InlineData("upload", "bG9jYWw/01M8190TW0TCJ00MD7MB95XM2F", "silo-2")]
    [InlineData("tenant", "bG9jYWw", "silo-2")]
    public void SelectOwner_KnownGrain_SameOwnerInEveryProcess(string grainType, string key, string expected)
    {
        // Fixed answers: a hash that varied per process (string.GetHashCode) would fail these in some run.
        Assert.Equal(expected, RendezvousPlacement.SelectOwner(new GrainId(grainType, key), s_threeSilos));
    }

    [Fact]
    public void SelectOwner_NoSilos_ReturnsNull()
    {
        Assert.Null(RendezvousPlacement.SelectOwner(Grain(1), []));
    }

    [Fact]
    public void SelectOwner_FourSilos_SpreadsGrainsEvenly()
    {
        string[] silos = [.. s_threeSilos, "silo-4"];

        var counts = Enumerable.Range(0, GrainCount)
            .GroupBy(i => RendezvousPlacement.SelectOwner(Grain(i), silos))
            .ToDictionary(group => group.Key!, group => group.Count());

        Assert.Equal(silos.Order(), counts.Keys.Order());
        Assert.All(counts.Values, count => Assert.InRange(count, GrainCount / 4 * 0.9, GrainCount / 4 * 1.1));
    }

    [Fact]
    public void SelectOwner_SiloAdded_MovesAboutOneNthOfTheGrainsAllToTheNewSilo()
    {
        string[] four = [.. s_threeSilos, "silo-4"];
        var moved = 0;
        for (var i = 0; i < GrainCount; i++)
        {
            var before = RendezvousPlacement.SelectOwner(Grain(i), s_threeSilos);
            var after = RendezvousPlacement.SelectOwner(Grain(i), four);
            if (before != after)
            {
                moved++;
                Assert.Equal("silo-4", after);
            }
        }

        // 1/4 of the grains belong to the fourth silo; none moves between the three others.
        Assert.InRange(moved / (double)GrainCount, 0.23, 0.27);
    }

    [Fact]
    public void SelectOwner_SiloRemoved_OnlyItsGrainsMove()
    {
        string[] two = ["silo-1", "silo-3"];
        for (var i = 0; i < GrainCount; i++)
        {
            var before = RendezvousPlacement.SelectOwner(Grain(i), s_threeSilos);
            var after = RendezvousPlacement.SelectOwner(Grain(i), two);
            if (before != "silo-2")
            {
                Assert.Equal(before, after);
            }
        }
    }

    private static GrainId Grain(int i) => new("upload", $"dGVuYW50/upload-{i}");
}
