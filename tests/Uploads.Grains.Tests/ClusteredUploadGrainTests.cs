using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.TestingHost;
using Uploads.Abstractions;
using Uploads.Storage;
using Uploads.Storage.FileSystem;
using Uploads.Testing;

namespace Uploads.Grains.Tests;

/// <summary>
/// Upload grains in a cluster of three Orleans silos in this process (<see cref="InProcessTestCluster"/>) sharing one
/// data folder: calls go through the cluster's client to whichever silo holds the grain, and a silo is killed
/// part-way through an upload.
/// </summary>
public sealed class ClusteredUploadGrainTests : IAsyncLifetime
{
    private const int ChunkSize = 64 * 1024;
    private const int ChunkCount = 12;

    private readonly TemporaryDirectory _root = new();
    private InProcessTestCluster _cluster = null!;
    private FileSystemBlockStore _blocks = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Uploads:Storage:Provider"] = "FileSystem",
                ["Uploads:Storage:FileSystem:Root"] = _root.FullPath,
                ["Uploads:Sweep:Enabled"] = "false",
            });
            host.Services.AddUploadsStorage();
            host.Services.AddUploadGrains();

            // The silo's defaults (appsettings.json): a killed silo is declared dead within seconds.
            host.Services.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
        });
        builder.ConfigureSilo((_, silo) => silo.AddUploadsGrainStorage(UploadKeys.StorageName));

        // A call sent to the killed silo before anyone knew is not left waiting Orleans' default 30 s: it times out
        // soon and is retried, by then on a survivor.
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(3)));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _blocks = new FileSystemBlockStore(new FileSystemStorageOptions { Root = _root.FullPath }, TimeProvider.System, NullLogger<FileSystemBlockStore>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task Upload_SiloHoldingTheGrainKilledMidway_SurvivorsServeEveryAcknowledgedChunk()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var file = RandomNumberGenerator.GetBytes(ChunkCount * ChunkSize);
        var upload = Upload("u1");
        await upload.CreateAsync(new CreateUploadCommand("movie.mp4", "video/mp4", file.Length, ChunkSize, new Dictionary<string, string>()), timeout.Token);
        for (var index = 0; index < ChunkCount / 2; index++)
        {
            await SendChunkAsync(upload, file, index, timeout.Token);
        }

        var holder = HolderOf("u1");
        await _cluster.KillSiloAsync(holder);
        for (var index = ChunkCount / 2; index < ChunkCount; index++)
        {
            await SendChunkAsync(upload, file, index, timeout.Token);
        }

        var completed = await upload.CompleteAsync(timeout.Token);

        Assert.DoesNotContain(_cluster.Silos, silo => silo.SiloAddress.Equals(holder.SiloAddress));
        Assert.NotEqual(holder.SiloAddress, HolderOf("u1").SiloAddress);
        Assert.Equal(UploadState.Completed, completed.State);
        Assert.Equal(file, await ReadBlobAsync(completed));
    }

    [Fact]
    public async Task Status_AskedThroughEverySilo_IsOneUploadWithOneView()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var file = RandomNumberGenerator.GetBytes(ChunkCount * ChunkSize);
        var upload = Upload("u2");
        await upload.CreateAsync(new CreateUploadCommand("movie.mp4", "video/mp4", file.Length, ChunkSize, new Dictionary<string, string>()), timeout.Token);
        await SendChunkAsync(upload, file, 3, timeout.Token);

        // Each silo's own grain factory, as each silo's HTTP gateway would use it.
        var views = new List<UploadSnapshot>();
        foreach (var silo in _cluster.Silos)
        {
            var grains = silo.ServiceProvider.GetRequiredService<IGrainFactory>();
            views.Add(await new RetryingUploadGrain(grains.GetGrain<IUploadGrain>(UploadKeys.GrainKey("tenant-a", "u2"))).GetAsync(timeout.Token));
        }

        Assert.All(views, view => Assert.Equal([new ChunkRange(3, 3)], view.ReceivedChunks));
        Assert.Single(_cluster.Silos, silo => silo.SiloAddress.Equals(HolderOf("u2").SiloAddress));
    }

    private IUploadGrain Upload(string uploadId) =>
        new RetryingUploadGrain(_cluster.Client.GetGrain<IUploadGrain>(UploadKeys.GrainKey("tenant-a", uploadId)));

    /// <summary>The silo that holds the activation of upload <paramref name="uploadId"/>'s grain.</summary>
    private InProcessSiloHandle HolderOf(string uploadId)
    {
        var grainId = UploadKeys.UploadGrainId(UploadKeys.GrainKey("tenant-a", uploadId));
        Assert.True(_cluster.TryGetGrainContext(grainId, out var context), $"No silo holds {grainId}.");
        return _cluster.Silos.Single(silo => silo.SiloAddress.Equals(context!.Address.SiloAddress));
    }

    private async Task SendChunkAsync(IUploadGrain upload, byte[] file, int index, CancellationToken cancellationToken)
    {
        var bytes = file.AsMemory(index * ChunkSize, ChunkSize).ToArray();
        var target = await upload.BeginChunkAsync(index, bytes.Length, cancellationToken);
        await _blocks.StageBlockAsync(target.BlobName, target.BlockId, new MemoryStream(bytes), bytes.Length, cancellationToken: cancellationToken);
        await upload.CommitChunkAsync(new ChunkCommit(index, target.BlockId, bytes.Length, SHA256.HashData(bytes)), cancellationToken);
    }

    private async Task<byte[]> ReadBlobAsync(UploadSnapshot upload)
    {
        await using var stream = await _blocks.OpenReadAsync(upload.BlobName, 0, upload.Result!.Size);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
