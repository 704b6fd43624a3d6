using System.Net;
using System.Text;
using System.Text.Json;
using Uploads.Runtime.Cluster;
using Uploads.Runtime.Tests.Fakes;
using Uploads.Runtime.Tests.TestGrains;
using Uploads.Storage;

namespace Uploads.Runtime.Tests.Cluster;

/// <summary>Silos in this process, each behind its own Kestrel on loopback, forwarding grain calls over the internal endpoint.</summary>
public sealed class ForwardingTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly InMemoryGrainStateStore _store = new();

    [Fact]
    public async Task Call_GrainOwnedByAnotherSilo_RunsThereInOneHop()
    {
        await using var a = await ClusterSilo.StartAsync("a", _store);
        await using var b = await ClusterSilo.StartAsync("b", _store);
        await a.Membership.RefreshAsync(CancellationToken.None);
        var grain = ClusterMembershipTests.KeyOwnedBy("b", "a", "b");

        var entries = await a.Grains.GetGrain<ICounterGrain>(grain.Key).AppendAsync("via a").WaitAsync(s_timeout);
        await b.Grains.GetGrain<ICounterGrain>(grain.Key).AppendAsync("via b").WaitAsync(s_timeout);

        Assert.Equal(["via a"], entries);
        Assert.Equal([$"activate:{grain.Key}:1"], b.Probe.Events);
        Assert.Empty(a.Probe.Events);
        Assert.Equal(0, a.Catalog.ActivationCount);
        Assert.Equal(1, b.Catalog.ActivationCount);
    }

    [Fact]
    public async Task Call_GrainRefusesOnOwner_RegisteredExceptionsArriveAsThemselves()
    {
        await using var a = await ClusterSilo.StartAsync("a", _store, Settings("Uploads:Runtime:MaxConflictRetries", "0"));
        await using var b = await ClusterSilo.StartAsync("b", _store, Settings("Uploads:Runtime:MaxConflictRetries", "0"));
        await a.Membership.RefreshAsync(CancellationToken.None);
        var key = KeyOwnedBy("fault", "b");
        var grain = a.Grains.GetGrain<IFaultGrain>(key);

        var refusal = await Assert.ThrowsAsync<TestRefusalException>(() => grain.ThrowAsync("refusal", "no more chunks"));
        var storage = await Assert.ThrowsAsync<StorageException>(() => grain.ThrowAsync("storage", "store down"));
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.ThrowAsync("conflict", "someone wrote"));
        var other = await Assert.ThrowsAsync<RemoteGrainException>(() => grain.ThrowAsync("argument", "bad input"));

        Assert.Equal(("too_late", "no more chunks"), (refusal.Code, refusal.Message));
        Assert.Equal((StorageErrorCode.Unavailable, "store down"), (storage.Code, storage.Message));
        Assert.Equal("someone wrote", conflict.Message);
        Assert.Equal(("b", typeof(ArgumentException).FullName), (other.SiloId, other.ExceptionType));
        Assert.Contains("bad input", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InternalEndpoint_WithoutTheClusterKey_Answers401AndRunsNothing()
    {
        await using var b = await ClusterSilo.StartAsync("b", _store);
        using var http = new HttpClient { Timeout = s_timeout };
        var body = """{"grainType":"counter","key":"k1","method":"Uploads.Runtime.Tests.TestGrains.ICounterGrain.ClearAsync(System.Threading.CancellationToken)","arguments":[],"excluded":[]}""";

        using var keyless = await PostCallAsync(http, b.InternalAddress, body, key: null);
        using var wrongKey = await PostCallAsync(http, b.InternalAddress, body, key: ClusterSilo.ClusterKey + "x");
        using var withKey = await PostCallAsync(http, b.InternalAddress, body, key: ClusterSilo.ClusterKey);

        Assert.Equal(HttpStatusCode.Unauthorized, keyless.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(0, keyless.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(["activate:k1:1"], b.Probe.Events);
    }

    [Fact]
    public async Task Ports_PublicAndInternal_EachServesOnlyItsOwnRoutes()
    {
        await using var b = await ClusterSilo.StartAsync("b", _store);
        using var http = new HttpClient { Timeout = s_timeout };
        var body = """{"grainType":"counter","key":"k1","method":"Uploads.Runtime.Tests.TestGrains.ICounterGrain.ClearAsync(System.Threading.CancellationToken)","arguments":[],"excluded":[]}""";

        using var publicPing = await http.GetAsync(new Uri(b.PublicAddress, "/ping"));
        using var internalPing = await SendWithKeyAsync(http, HttpMethod.Get, new Uri(b.InternalAddress, "/ping"));
        using var internalCallOnPublicPort = await PostCallAsync(http, b.PublicAddress, body, ClusterSilo.ClusterKey);
        using var spoofedHost = await PostCallAsync(http, b.PublicAddress, body, ClusterSilo.ClusterKey, host: $"127.0.0.1:{b.InternalAddress.Port}");

        Assert.Equal(HttpStatusCode.OK, publicPing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, internalPing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, internalCallOnPublicPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, spoofedHost.StatusCode);
        Assert.Empty(b.Probe.Events);
    }

    [Fact]
    public async Task Call_OwnerNotInCallersView_OwnerAnswersNotOwnerAndCallerFindsTheNewSilo()
    {
        await using var a = await ClusterSilo.StartAsync("a", _store);
        await using var b = await ClusterSilo.StartAsync("b", _store);
        await a.Membership.RefreshAsync(CancellationToken.None);
        await using var c = await ClusterSilo.StartAsync("c", _store);
        await b.Membership.RefreshAsync(CancellationToken.None);

        // a still sees {a, b}, whose owner is b; b sees {a, b, c}, whose owner is c.
        var key = Enumerable.Range(0, 10_000).Select(i => $"k{i}").First(k =>
            RendezvousPlacement.SelectOwner(new GrainId("counter", k), ["a", "b"]) == "b" &&
            RendezvousPlacement.SelectOwner(new GrainId("counter", k), ["a", "b", "c"]) == "c");

        var entries = await a.Grains.GetGrain<ICounterGrain>(key).AppendAsync("one").WaitAsync(s_timeout);

        Assert.Equal(["one"], entries);
        Assert.Equal([$"activate:{key}:1"], c.Probe.Events);
        Assert.Empty(b.Probe.Events);
        Assert.Contains("c", a.Membership.View.ActiveOthers.Keys);
    }

    [Fact]
    public async Task Call_OwnerStopsListening_NextSiloTakesTheGrainOverWithItsState()
    {
        await using var a = await ClusterSilo.StartAsync("a", _store);
        await using var b = await ClusterSilo.StartAsync("b", _store);
        await a.Membership.RefreshAsync(CancellationToken.None);
        var grain = ClusterMembershipTests.KeyOwnedBy("b", "a", "b");
        var counter = a.Grains.GetGrain<ICounterGrain>(grain.Key);
        await counter.AppendAsync("before").WaitAsync(s_timeout);

        // b's process is as good as dead to a: its record still looks alive, but nothing takes a connection.
        await b.StopListeningAsync();
        var entries = await counter.AppendAsync("after").WaitAsync(s_timeout);

        Assert.Equal(["before", "after"], entries);
        Assert.Equal(["b"], a.Membership.GetSuspects());
        Assert.Equal([$"activate:{grain.Key}:1"], a.Probe.Events.Where(e => e.StartsWith("activate:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Stop_OwnerLeavesGracefully_OthersPlaceItsGrainsElsewhereWithTheirState()
    {
        await using var a = await ClusterSilo.StartAsync("a", _store);
        await using var b = await ClusterSilo.StartAsync("b", _store);
        await a.Membership.RefreshAsync(CancellationToken.None);
        var grain = ClusterMembershipTests.KeyOwnedBy("b", "a", "b");
        var counter = a.Grains.GetGrain<ICounterGrain>(grain.Key);
        await counter.AppendAsync("before").WaitAsync(s_timeout);

        await b.StopAsync().WaitAsync(s_timeout);
        await a.Membership.RefreshAsync(CancellationToken.None);
        var entries = await counter.AppendAsync("after").WaitAsync(s_timeout);

        Assert.Equal(["before", "after"], entries);
        Assert.Equal([$"activate:{grain.Key}:1", $"deactivate:{grain.Key}:1:ShuttingDown"], b.Probe.Events);
        Assert.Null(_store.GetText("membership/b"));
        Assert.Equal(["a"], a.Membership.GetSilos().Select(silo => silo.SiloId));
        Assert.Empty(a.Membership.GetSuspects());
    }

    [Fact]
    public async Task Appends_TwoSilosBothBelieveTheyOwnTheGrain_NoAcknowledgedAppendIsLost()
    {
        var settings = Settings("Uploads:Runtime:MaxConflictRetries", "1000");
        await using var a = await ClusterSilo.StartAsync("a", _store, settings);
        await using var b = await ClusterSilo.StartAsync("b", _store, settings);

        // A membership change under way: b has joined and sees a; a has not read the table since, so both place the
        // grain on themselves, and two activations of it race on purpose.
        var grain = ClusterMembershipTests.KeyOwnedBy("b", "a", "b");
        Assert.Equal("a", a.Membership.SelectOwner(grain)?.SiloId);
        Assert.Equal("b", b.Membership.SelectOwner(grain)?.SiloId);
        var onA = a.Grains.GetGrain<ICounterGrain>(grain.Key);
        var onB = b.Grains.GetGrain<ICounterGrain>(grain.Key);

        // In turn first (every call finds the other activation wrote), then all at once from the thread pool.
        var acknowledged = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            await onA.AppendAsync($"a{i}");
            await onB.AppendAsync($"b{i}");
            acknowledged.AddRange([$"a{i}", $"b{i}"]);
        }

        var parallel = Enumerable.Range(10, 40)
            .SelectMany(i => new[] { (Grain: onA, Entry: $"a{i}"), (Grain: onB, Entry: $"b{i}") })
            .Select(call => Task.Run(async () =>
            {
                await call.Grain.AppendAsync(call.Entry);
                return call.Entry;
            }))
            .ToArray();
        acknowledged.AddRange(await Task.WhenAll(parallel).WaitAsync(s_timeout));

        // The store, not an activation (either may hold a version the other has since replaced), is the truth.
        var stored = JsonSerializer.Deserialize<CounterState>(_store.GetText($"counter/{grain.Key}")!, s_json)!.Entries;
        Assert.Equal(acknowledged.Order(), stored.Order());
        Assert.True(a.Probe.Count("activate:") > 1 && b.Probe.Count("activate:") > 1, "Both silos' activations should have lost races and reloaded.");
        Assert.Contains(a.Probe.Events, e => e.EndsWith(":InconsistentState", StringComparison.Ordinal));

        // Once a reads the membership, its activation goes and its calls go to b.
        await a.Membership.RefreshAsync(CancellationToken.None);
        await a.Membership.WaitForBackgroundWorkAsync(CancellationToken.None);
        var afterChange = await onA.AppendAsync("a-last").WaitAsync(s_timeout);

        Assert.Equal(0, a.Catalog.ActivationCount);
        Assert.Contains(a.Probe.Events, e => e.EndsWith(":PlacementChanged", StringComparison.Ordinal));
        Assert.Equal(acknowledged.Append("a-last").Order(), afterChange.Order());
    }

    private static Dictionary<string, string?> Settings(string key, string value) => new() { [key] = value };

    private static string KeyOwnedBy(string grainType, string owner) =>
        Enumerable.Range(0, 10_000).Select(i => $"k{i}").First(k => RendezvousPlacement.SelectOwner(new GrainId(grainType, k), ["a", "b"]) == owner);

    private static Task<HttpResponseMessage> PostCallAsync(HttpClient http, Uri silo, string body, string? key, string? host = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, GrainCallForwarder.CallPath))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add(GrainCallForwarder.KeyHeader, key);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendWithKeyAsync(HttpClient http, HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add(GrainCallForwarder.KeyHeader, ClusterSilo.ClusterKey);
        return http.SendAsync(request);
    }
}
