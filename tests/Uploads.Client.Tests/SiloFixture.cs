using Uploads.Client.Tests.Fakes;
using Uploads.Testing;

namespace Uploads.Client.Tests;

/// <summary>
/// What one test against a real silo owns: a silo process on a free loopback port with its data in a temporary
/// folder, a folder for local files and resume records, and clients whose requests are recorded.
/// </summary>
internal sealed class SiloFixture : IAsyncDisposable
{
    private readonly TemporaryDirectory _directory;
    private readonly List<UploadsClient> _clients = [];

    private SiloFixture(TemporaryDirectory directory, SiloProcess silo)
    {
        _directory = directory;
        Silo = silo;
        Directory.CreateDirectory(StateDirectory);
    }

    public SiloProcess Silo { get; }

    public Uri Endpoint => Silo.BaseAddress;

    public string StateDirectory => _directory.PathOf("state");

    public static async Task<SiloFixture> StartAsync(CancellationToken cancellationToken)
    {
        var directory = new TemporaryDirectory();
        var started = false;
        try
        {
            var silo = await SiloProcess.StartAsync(Path.Combine(directory.FullPath, "silo"), cancellationToken: cancellationToken);
            started = true;
            return new SiloFixture(directory, silo);
        }
        finally
        {
            if (!started)
            {
                directory.Dispose();
            }
        }
    }

    public string PathOf(string name) => _directory.PathOf(name);

    /// <summary>A client of the silo with its resume records in this test's folder and short retry delays.</summary>
    public UploadsClient CreateClient(Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) };
        handler = wrap?.Invoke(handler) ?? handler;
        var options = new UploadsClientOptions { ResumeDirectory = StateDirectory };
        options.Retry.MaxRetries = 8;
        options.Retry.Delay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        var client = new UploadsClient(new HttpClient(handler) { BaseAddress = Endpoint }, options);
        _clients.Add(client);
        return client;
    }

    /// <summary>A client whose requests <paramref name="recorder"/> records, after any faults <paramref name="wrap"/> adds.</summary>
    public UploadsClient CreateRecordedClient(out RequestRecorder recorder, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        RequestRecorder? created = null;
        var client = CreateClient(inner =>
        {
            created = new RequestRecorder(inner);
            return wrap?.Invoke(created) ?? created;
        });
        recorder = created!;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Silo.DisposeAsync();
        _directory.Dispose();
    }
}
