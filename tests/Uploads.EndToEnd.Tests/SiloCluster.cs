using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.Abstractions;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Grains;
using Uploads.Runtime;
using Uploads.Runtime.Cluster;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// Silo processes on loopback that form one cluster over one store: ids <c>silo-1</c>, <c>silo-2</c>, …, each with a
/// public port and an internal port of its own. Disposing it ends every process it started.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    public const string ClusterKey = "end-to-end-cluster-key-0123456789";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    private readonly SiloProcess[] _silos;

    private SiloCluster(SiloProcess[] silos)
    {
        _silos = silos;
    }

    /// <summary>The silos, <c>silo-{i + 1}</c> at index i.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    public static string SiloId(int index) => $"silo-{index + 1}";

    /// <summary>Starts <paramref name="count"/> silos at once, storing under <paramref name="dataRoot"/> or as <paramref name="settings"/> say.</summary>
    public static async Task<SiloCluster> StartAsync(
        int count,
        string dataRoot,
        IReadOnlyDictionary<string, string> settings,
        CancellationToken cancellationToken)
    {
        var starts = Enumerable.Range(0, count).Select(index =>
        {
            var siloSettings = new Dictionary<string, string>(settings)
            {
                ["Uploads__Cluster__SiloId"] = SiloId(index),
                ["Uploads__Cluster__InternalUrl"] = $"http://127.0.0.1:{SiloProcess.GetFreeLoopbackPort()}",
                ["Uploads__Cluster__Key"] = ClusterKey,
            };
            return SiloProcess.StartAsync(dataRoot, siloSettings, cancellationToken);
        }).ToArray();

        try
        {
            return new SiloCluster(await Task.WhenAll(starts));
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
    }

    /// <summary>The id of the silo that owns upload <paramref name="uploadId"/> (tenant <c>local</c>) among <paramref name="siloIds"/>.</summary>
    public static string OwnerOf(string uploadId, IEnumerable<string> siloIds) =>
        RendezvousPlacement.SelectOwner(new GrainId(UploadKeys.GrainType, UploadKeys.GrainKey("local", uploadId)), siloIds)!;

    /// <summary><c>GET /v1/cluster</c> of one silo.</summary>
    public static async Task<ClusterResponse> GetViewAsync(SiloProcess silo, CancellationToken cancellationToken)
    {
        using var response = await silo.Client.GetAsync("/v1/cluster", cancellationToken);
        return await silo.ReadJsonAsync<ClusterResponse>(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>Each silo's statuses, as text such as <c>silo-1:active silo-2:dead</c>.</summary>
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
