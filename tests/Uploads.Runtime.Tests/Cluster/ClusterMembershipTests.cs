using Uploads.Runtime.Cluster;
using Uploads.Runtime.Tests.Fakes;
using Uploads.Runtime.Tests.TestGrains;

namespace Uploads.Runtime.Tests.Cluster;

/// <summary>Membership over a shared in-memory store, on a clock the tests move; the tests play each heartbeat.</summary>
public sealed class ClusterMembershipTests
{
    private static readonly TimeSpan s_interval = MembershipHarness.HeartbeatInterval;
    private static readonly TimeSpan s_deadAfter = MembershipHarness.DeadAfter;

    private readonly InMemoryGrainStateStore _store = new();
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task Join_TwoSilos_EachListsBothActive()
    {
        await using var a = Silo("a");
        await using var b = Silo("b");

        await a.Membership.JoinAsync(CancellationToken.None);
        await b.Membership.JoinAsync(CancellationToken.None);
        await a.Membership.HeartbeatAsync(CancellationToken.None);

        Assert.Equal(Active("a", "b"), a.Statuses());
        Assert.Equal(Active("a", "b"), b.Statuses());
        var self = Assert.Single(a.Membership.GetSilos(), silo => silo.IsSelf);
        Assert.Equal(new Uri("http://127.0.0.1:9"), self.Address);
        Assert.Contains("\"status\":\"Active\"", _store.GetText("membership/a"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_SiloStopsRenewing_FencesItselfBeforeOthersDeclareItDeadAfterDeadAfter()
    {
        await using var a = Silo("a");
        await using var b = Silo("b");
        await a.Membership.JoinAsync(CancellationToken.None);
        await b.Membership.JoinAsync(CancellationToken.None);
        await HeartbeatAsync(a, b);

        // b renews once more, then stops (a process stopped dead, or cut off from the store).
        _clock.Advance(s_interval);
        await HeartbeatAsync(b, a);
        var lastSeenChange = _clock.GetUtcNow();

        while (_clock.GetUtcNow() - lastSeenChange < s_deadAfter)
        {
            _clock.Advance(s_interval);
            await a.Membership.HeartbeatAsync(CancellationToken.None);
            Assert.Equal(SiloStatus.Active, a.Statuses()["b"]);
            if (_clock.GetUtcNow() - lastSeenChange >= s_deadAfter - s_interval)
            {
                // b stops serving a heartbeat before anyone may take its grains.
                Assert.Equal(SiloStatus.Fenced, b.Membership.LocalStatus);
            }
        }

        _clock.Advance(s_interval);
        await a.Membership.HeartbeatAsync(CancellationToken.None);

        Assert.Equal(SiloStatus.Dead, a.Statuses()["b"]);
        Assert.Contains("\"status\":\"Dead\"", _store.GetText("membership/b"), StringComparison.Ordinal);
        Assert.Equal("a", a.Membership.SelectOwner(KeyOwnedBy("b", "a", "b"))?.SiloId);
    }

    [Fact]
    public async Task Heartbeat_SiloDeclaredDeadWhileAlive_DeactivatesItsGrainsAndJoinsAgain()
    {
        await using var a = Silo("a");
        await using var b = Silo("b");
        await a.Membership.JoinAsync(CancellationToken.None);
        await b.Membership.JoinAsync(CancellationToken.None);
        await HeartbeatAsync(a, b);
        var grain = KeyOwnedBy("b", "a", "b");
        await b.Grains.GetGrain<ICounterGrain>(grain.Key).AppendAsync("one");

        // b is cut off from the store for longer than DeadAfter (a sees its last renewal a heartbeat late), and a
        // declares it dead.
        b.Store.IsUnavailable = true;
        for (var elapsed = TimeSpan.Zero; elapsed <= s_deadAfter + s_interval; elapsed += s_interval)
        {
            _clock.Advance(s_interval);
            await HeartbeatAsync(a, b);
        }

        Assert.Equal(SiloStatus.Dead, a.Statuses()["b"]);
        Assert.Equal(SiloStatus.Fenced, b.Membership.LocalStatus);
        b.Store.IsUnavailable = false;
        _clock.Advance(s_interval);
        await b.Membership.HeartbeatAsync(CancellationToken.None);
        await b.Membership.WaitForBackgroundWorkAsync(CancellationToken.None);
        await a.Membership.HeartbeatAsync(CancellationToken.None);

        Assert.Equal(SiloStatus.Active, b.Membership.LocalStatus);
        Assert.Equal(Active("a", "b"), a.Statuses());
        Assert.Contains($"deactivate:{grain.Key}:1:Fenced", b.Probe.Events);
        Assert.Equal(0, b.Catalog.ActivationCount);
        Assert.Equal(["one", "two"], await b.Grains.GetGrain<ICounterGrain>(grain.Key).AppendAsync("two"));
    }

    [Fact]
    public async Task Heartbeat_StoreUnreachable_RefusesCallsUntilARenewalSucceeds()
    {
        await using var a = Silo("a");
        await a.Membership.JoinAsync(CancellationToken.None);
        var counter = a.Grains.GetGrain<ICounterGrain>("k1");
        await counter.AppendAsync("before");

        a.Store.IsUnavailable = true;
        _clock.Advance(s_interval);
        await a.Membership.HeartbeatAsync(CancellationToken.None);
        Assert.Equal(SiloStatus.Active, a.Membership.LocalStatus);
        _clock.Advance(s_deadAfter - (2 * s_interval));
        await a.Membership.HeartbeatAsync(CancellationToken.None);
        await a.Membership.WaitForBackgroundWorkAsync(CancellationToken.None);

        Assert.Equal(SiloStatus.Fenced, a.Membership.LocalStatus);
        Assert.Null(a.Membership.SelectOwner(new GrainId("counter", "k1")));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => counter.AppendAsync("while fenced"));
        Assert.Equal(["activate:k1:1", "deactivate:k1:1:Fenced"], a.Probe.Events);

        a.Store.IsUnavailable = false;
        _clock.Advance(s_interval);
        await a.Membership.HeartbeatAsync(CancellationToken.None);

        Assert.Equal(SiloStatus.Active, a.Membership.LocalStatus);
        Assert.Equal(["before", "after"], await counter.AppendAsync("after"));
    }

    [Fact]
    public async Task Heartbeat_DeadRecordPastRetention_IsDeleted()
    {
        var settings = new Dictionary<string, string?> { ["Uploads:Cluster:DeadSiloRetention"] = "00:01:00" };
        await using var a = Silo("a", settings);
        await using var b = Silo("b", settings);
        await a.Membership.JoinAsync(CancellationToken.None);
        await b.Membership.JoinAsync(CancellationToken.None);
        await a.Membership.HeartbeatAsync(CancellationToken.None);

        _clock.Advance(s_deadAfter + s_interval);
        await a.Membership.HeartbeatAsync(CancellationToken.None);
        Assert.Equal(SiloStatus.Dead, a.Statuses()["b"]);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await a.Membership.HeartbeatAsync(CancellationToken.None);
        await a.Membership.HeartbeatAsync(CancellationToken.None);

        Assert.Null(_store.GetText("membership/b"));
        Assert.Equal(["a"], a.Statuses().Keys);
    }

    [Fact]
    public async Task Join_SecondProcessWithTheSameSiloId_FirstStopsServing()
    {
        await using var first = Silo("a");
        await using var second = Silo("a");
        await first.Membership.JoinAsync(CancellationToken.None);

        await second.Membership.JoinAsync(CancellationToken.None);
        _clock.Advance(s_interval);
        await first.Membership.HeartbeatAsync(CancellationToken.None);
        await second.Membership.HeartbeatAsync(CancellationToken.None);

        Assert.Equal(SiloStatus.Fenced, first.Membership.LocalStatus);
        Assert.Equal(SiloStatus.Active, second.Membership.LocalStatus);
        _clock.Advance(s_interval);
        await first.Membership.HeartbeatAsync(CancellationToken.None);
        Assert.Equal(SiloStatus.Fenced, first.Membership.LocalStatus);
    }

    [Fact]
    public async Task IsLocalOwner_EveryGrainIsOwnedByExactlyOneSiloOfAgreeingViews()
    {
        await using var a = Silo("a");
        await using var b = Silo("b");
        await a.Membership.JoinAsync(CancellationToken.None);
        await b.Membership.JoinAsync(CancellationToken.None);
        await a.Membership.RefreshAsync(CancellationToken.None);
        await b.Membership.RefreshAsync(CancellationToken.None);
        var grains = Enumerable.Range(0, 200).Select(i => new GrainId("counter", $"k{i}")).ToArray();

        var ownedByA = grains.Count(a.Membership.IsLocalOwner);
        var ownedByB = grains.Count(b.Membership.IsLocalOwner);

        Assert.All(grains, g => Assert.NotEqual(a.Membership.IsLocalOwner(g), b.Membership.IsLocalOwner(g)));
        Assert.Equal(200, ownedByA + ownedByB);
        Assert.InRange(ownedByA, 60, 140);
    }

    [Fact]
    public async Task LeaveThenRemove_OthersStopPlacingOnItThenForgetIt()
    {
        await using var a = Silo("a");
        await using var b = Silo("b");
        await a.Membership.JoinAsync(CancellationToken.None);
        await b.Membership.JoinAsync(CancellationToken.None);
        await a.Membership.RefreshAsync(CancellationToken.None);
        var grain = KeyOwnedBy("b", "a", "b");
        Assert.Equal("b", a.Membership.SelectOwner(grain)?.SiloId);

        await b.Membership.LeaveAsync(CancellationToken.None);
        await a.Membership.RefreshAsync(CancellationToken.None);

        Assert.Equal(SiloStatus.Leaving, a.Statuses()["b"]);
        Assert.Equal(SiloStatus.Leaving, b.Membership.LocalStatus);
        Assert.Equal("a", a.Membership.SelectOwner(grain)?.SiloId);
        Assert.Equal("a", b.Membership.SelectOwner(grain)?.SiloId);

        await b.Membership.RemoveAsync(CancellationToken.None);
        await a.Membership.RefreshAsync(CancellationToken.None);

        Assert.Equal(["a"], a.Statuses().Keys);
        Assert.Null(_store.GetText("membership/b"));
    }

    [Fact]
    public async Task Suspect_SiloLeavesPlacementForDeadAfterOnly()
    {
        await using var a = Silo("a");
        await using var b = Silo("b");
        await a.Membership.JoinAsync(CancellationToken.None);
        await b.Membership.JoinAsync(CancellationToken.None);
        await a.Membership.RefreshAsync(CancellationToken.None);
        var grain = KeyOwnedBy("b", "a", "b");

        a.Membership.Suspect("b");

        Assert.Equal("a", a.Membership.SelectOwner(grain)?.SiloId);
        Assert.Equal(["b"], a.Membership.GetSuspects());
        _clock.Advance(s_deadAfter + TimeSpan.FromSeconds(1));
        Assert.Empty(a.Membership.GetSuspects());
        Assert.Equal("b", a.Membership.SelectOwner(grain)?.SiloId);
    }

    [Fact]
    public async Task Refresh_NewSiloOwnsAGrainActiveHere_DeactivatesItWithPlacementChanged()
    {
        await using var a = Silo("a");
        await using var b = Silo("b");
        await a.Membership.JoinAsync(CancellationToken.None);
        var movesToB = KeyOwnedBy("b", "a", "b");
        var staysOnA = KeyOwnedBy("a", "a", "b");
        await a.Grains.GetGrain<ICounterGrain>(movesToB.Key).AppendAsync("x");
        await a.Grains.GetGrain<ICounterGrain>(staysOnA.Key).AppendAsync("y");

        await b.Membership.JoinAsync(CancellationToken.None);
        await a.Membership.HeartbeatAsync(CancellationToken.None);
        await a.Membership.WaitForBackgroundWorkAsync(CancellationToken.None);

        Assert.Contains($"deactivate:{movesToB.Key}:1:PlacementChanged", a.Probe.Events);
        Assert.DoesNotContain(a.Probe.Events, e => e.StartsWith($"deactivate:{staysOnA.Key}:", StringComparison.Ordinal));
        Assert.Equal(1, a.Catalog.ActivationCount);
    }

    /// <summary>A counter grain that <paramref name="owner"/> owns among <paramref name="silos"/>.</summary>
    internal static GrainId KeyOwnedBy(string owner, params string[] silos)
    {
        for (var i = 0; ; i++)
        {
            var grain = new GrainId("counter", $"k{i}");
            if (RendezvousPlacement.SelectOwner(grain, silos) == owner)
            {
                return grain;
            }
        }
    }

    private static Dictionary<string, SiloStatus> Active(params string[] siloIds) => siloIds.ToDictionary(id => id, _ => SiloStatus.Active);

    private static async Task HeartbeatAsync(params MembershipHarness[] silos)
    {
        foreach (var silo in silos)
        {
            await silo.Membership.HeartbeatAsync(CancellationToken.None);
        }
    }

    private MembershipHarness Silo(string siloId, IDictionary<string, string?>? settings = null) => new(siloId, _store, _clock, settings);
}
