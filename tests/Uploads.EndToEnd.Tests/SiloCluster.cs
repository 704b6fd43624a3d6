using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Silo processes on loopback that form one Orleans cluster on one Azurite (blob + table), each started with the
/// settings README gives for a cluster on one machine: the AzureBlob store, Azure Table clustering on the same
/// connection string, loopback advertised, free silo and gateway ports (<see cref="SiloProcess"/>), a cluster id of
/// its own. Orleans names the silos; <see cref="SiloIds"/> holds the name each one gives itself. Disposing it ends
/// every process it started.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    private readonly List<SiloProcess> _silos;
    private readonly List<string> _siloIds;

    private SiloCluster(AzuriteProcess azurite, string dataRoot, IReadOnlyDictionary<string, string> settings, List<SiloProcess> silos, List<string> siloIds)
    {
        Azurite = azurite;
        DataRoot = dataRoot;
        Settings = settings;
        _silos = silos;
        _siloIds = siloIds;
    }

    /// <summary>The silos, in the order they were started.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>The name of <see cref="Silos"/>[i] in <c>GET /v1/cluster</c>.</summary>
    public IReadOnlyList<string> SiloIds => _siloIds;

    /// <summary>The Azurite that holds the bytes, the grain state and the membership table.</summary>
    public AzuriteProcess Azurite { get; }

    /// <summary>The settings every silo of this cluster is started with.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    private string DataRoot { get; }

    /// <summary>A cluster id no other test uses, so that no two tests' silos ever meet in a membership table.</summary>
    public static string NewClusterId() => $"e2e-{Guid.NewGuid():N}";

    /// <summary>
    /// Starts <paramref name="count"/> silos at once on <paramref name="azurite"/> with <see cref="SiloProcess.ClusterSettings"/>
    /// and <paramref name="extraSettings"/>, and waits until each lists all of them active.
    /// </summary>
    public static async Task<SiloCluster> StartAsync(
        int count,
        AzuriteProcess azurite,
        string dataRoot,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var settings = SiloProcess.ClusterSettings(azurite.ConnectionString, NewClusterId());
        foreach (var (name, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        var starts = Enumerable.Range(0, count).Select(_ => SiloProcess.StartAsync(dataRoot, settings, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(starts);
        }
        catch (Exception) when (starts.Any(start => start.IsCompletedSuccessfully))
        {
            // One silo failed to start: end the others before reporting why.
            foreach (var start in starts.Where(start => start.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }

        var silos = starts.Select(start => start.Result).ToList();
        var cluster = new SiloCluster(azurite, dataRoot, settings, silos, []);
        try
        {
            foreach (var silo in silos)
            {
                cluster._siloIds.Add((await GetViewAsync(silo, cancellationToken)).SiloId);
            }

            await WaitForViewsAsync(silos, cluster.Expected(dead: []), TimeSpan.FromSeconds(30), cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo with this cluster's settings and <paramref name="overrides"/>; returns once it is ready.</summary>
    public async Task<SiloProcess> StartSiloAsync(IReadOnlyDictionary<string, string> overrides, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string>(Settings);
        foreach (var (name, value) in overrides)
        {
            settings[name] = value;
        }

        var silo = await SiloProcess.StartAsync(DataRoot, settings, cancellationToken);
        _silos.Add(silo);
        _siloIds.Add((await GetViewAsync(silo, cancellationToken)).SiloId);
        return silo;
    }

    /// <summary>The name of <paramref name="silo"/>.</summary>
    public string SiloIdOf(SiloProcess silo) => _siloIds[_silos.IndexOf(silo)];

    /// <summary>The view that lists every silo of this cluster active but those in <paramref name="dead"/>, dead.</summary>
    public string Expected(IReadOnlyCollection<SiloProcess> dead) => string.Join(
        ' ',
        _silos.Select(silo => (Id: SiloIdOf(silo), Status: dead.Contains(silo) ? "dead" : "active"))
            .OrderBy(silo => silo.Id, StringComparer.Ordinal)
            .Select(silo => $"{silo.Id}:{silo.Status}"));

    /// <summary><c>GET /v1/cluster</c> of one silo.</summary>
    public static async Task<ClusterResponse> GetViewAsync(SiloProcess silo, CancellationToken cancellationToken)
    {
        using var response = await silo.Client.GetAsync("/v1/cluster", cancellationToken);
        return await silo.ReadJsonAsync<ClusterResponse>(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>Each silo's statuses, as text such as <c>Silo_1a2b3:active Silo_4c5d6:dead</c>.</summary>
    public static string Describe(ClusterResponse view) => string.Join(' ', view.Silos.Select(silo => $"{silo.SiloId}:{silo.Status}"));

    /// <summary>
    /// Waits until every silo in <paramref name="asked"/> reports exactly <paramref name="expected"/>; returns how long
    /// that took. Fails, with the views last seen, after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<TimeSpan> WaitForViewsAsync(
        IReadOnlyList<SiloProcess> asked,
        string expected,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var last = new string[asked.Count];
        while (true)
        {
            for (var i = 0; i < asked.Count; i++)
            {
                last[i] = Describe(await GetViewAsync(asked[i], cancellationToken));
            }

            if (last.All(view => view == expected))
            {
                return Stopwatch.GetElapsedTime(started);
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                Assert.Fail($"After {timeout.TotalSeconds} s the silos report [{string.Join("] [", last)}], not [{expected}] each.");
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }
    }

    /// <summary>Reads a JSON answer of the silos, as the tests' contracts.</summary>
    public static Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.Content.ReadFromJsonAsync<T>(s_json, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }
}
