using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Abstractions;
using Uploads.Testing;

namespace Uploads.Grains.Tests;

public sealed class TenantLimitAndSweepTests : IAsyncLifetime
{
    private const int ChunkSize = 64 * 1024;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "uploads-sweep-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-22T08:00:00Z", CultureInfo.InvariantCulture));
    private InProcessSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await InProcessSilo.StartAsync(_root, _clock, settings: new Dictionary<string, string?>
        {
            ["Uploads:Limits:MaxActiveUploadsPerTenant"] = "3",
            ["Uploads:Sweep:Enabled"] = "false",
            ["Uploads:Sweep:BatchSize"] = "2",
            ["Uploads:UploadTtl"] = "01:00:00",
            ["Uploads:RetainTerminal"] = "1.00:00:00",
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private UploadLimiter Limiter => _silo.Services.GetRequiredService<UploadLimiter>();

    [Fact]
    public async Task Reserve_AtLimit_IsTooManyUploadsForThatTenantOnly()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync("tenant-a", $"u{i}");
        }

        var error = await Assert.ThrowsAsync<UploadException>(() => Limiter.ReserveAsync("tenant-a", "u3"));
        await CreateAsync("tenant-b", "u3");

        Assert.Equal(UploadErrorCodes.TooManyUploads, error.Code);
    }

    [Fact]
    public async Task Reserve_SameUploadAgain_IsIdempotent()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync("tenant-a", $"u{i}");
        }

        await Limiter.ReserveAsync("tenant-a", "u1");
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("complete")]
    [InlineData("expire")]
    public async Task Reserve_AfterAnUploadEnds_CountsItNoMoreAtOnce(string ending)
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync("tenant-a", $"u{i}", size: 0);
        }

        switch (ending)
        {
            case "abort":
                await _silo.Upload("u0").AbortAsync();
                break;
            case "complete":
                await _silo.Upload("u0").CompleteAsync();
                break;
            default:
                // Nothing touches the expired uploads: the limiter itself must notice.
                _clock.Advance(TimeSpan.FromHours(2));
                break;
        }

        await Limiter.ReserveAsync("tenant-a", "u3");
    }

    [Fact]
    public async Task Reserve_ManyAtOnce_AdmitsExactlyTheLimit()
    {
        var attempts = Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await Limiter.ReserveAsync("tenant-a", $"u{i}");
                return true;
            }
            catch (UploadException exception) when (exception.Code == UploadErrorCodes.TooManyUploads)
            {
                return false;
            }
        });

        var admitted = await Task.WhenAll(attempts);

        Assert.Equal(3, admitted.Count(a => a));
    }

    [Fact]
    public async Task Sweep_UploadNobodyTouches_ExpiresAndReleasesItsBytes()
    {
        await CreateAsync("tenant-a", "u0", size: 2 * ChunkSize);
        var target = await _silo.Upload("u0").BeginChunkAsync(0, ChunkSize);
        await _silo.Blocks.StageBlockAsync(target.BlobName, target.BlockId, new MemoryStream(new byte[ChunkSize]), ChunkSize);
        await _silo.Upload("u0").CommitChunkAsync(new ChunkCommit(0, target.BlockId, ChunkSize, new byte[32]));
        _clock.Advance(TimeSpan.FromMinutes(59));
        var early = await _silo.SweepOnceAsync();
        _clock.Advance(TimeSpan.FromMinutes(2));

        var acted = await SweepAllAsync();

        Assert.Equal(0, early);
        Assert.Equal(1, acted);
        Assert.Empty(await _silo.Blocks.ListStagedBlocksAsync(target.BlobName));
        Assert.Equal(UploadState.Expired, (await _silo.Upload("u0").GetAsync()).State);
    }

    [Fact]
    public async Task Sweep_TerminalUploadPastRetention_DeletesManifestAndPagesButKeepsCompletedFile()
    {
        await CreateAsync("tenant-a", "u0", size: ChunkSize);
        var target = await _silo.Upload("u0").BeginChunkAsync(0, ChunkSize);
        await _silo.Blocks.StageBlockAsync(target.BlobName, target.BlockId, new MemoryStream(new byte[ChunkSize]), ChunkSize);
        await _silo.Upload("u0").CommitChunkAsync(new ChunkCommit(0, target.BlockId, ChunkSize, new byte[32]));
        await _silo.Upload("u0").CompleteAsync();
        await CreateAsync("tenant-a", "u1", size: 0);
        await _silo.Upload("u1").AbortAsync();
        _clock.Advance(TimeSpan.FromHours(23));
        await SweepAllAsync();
        var kept = await _silo.Upload("u0").GetAsync();
        _clock.Advance(TimeSpan.FromHours(2));

        await SweepAllAsync();

        Assert.Equal(UploadState.Completed, kept.State);
        foreach (var id in new[] { "u0", "u1" })
        {
            var error = await Assert.ThrowsAsync<UploadException>(() => _silo.Upload(id).GetAsync());
            Assert.Equal(UploadErrorCodes.NotFound, error.Code);
        }

        Assert.Empty(await _silo.States.ListKeysAsync(UploadKeys.PageStateName(0) + "/", null, 10));
        Assert.NotNull(await _silo.Blocks.GetPropertiesAsync(target.BlobName));
    }

    [Fact]
    public async Task Sweep_BatchSize_BoundsEachPassAndLaterPassesGoOn()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync("tenant-a", $"u{i}", size: 0, reserve: false);
        }

        _clock.Advance(TimeSpan.FromHours(2));

        var passes = new List<int>();
        for (var pass = 0; pass < 3; pass++)
        {
            passes.Add(await _silo.SweepOnceAsync());
        }

        Assert.Equal([2, 2, 1], passes);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(UploadState.Expired, (await _silo.Upload($"u{i}").GetAsync()).State);
        }
    }

    private async Task CreateAsync(string tenant, string uploadId, long size = ChunkSize, bool reserve = true)
    {
        if (reserve)
        {
            await Limiter.ReserveAsync(tenant, uploadId);
        }

        await _silo.Upload(uploadId, tenant).CreateAsync(new CreateUploadCommand("f.bin", "application/octet-stream", size, ChunkSize, new Dictionary<string, string>()));
    }

    private async Task<int> SweepAllAsync()
    {
        // Batches of two: enough passes to go round every upload once.
        var acted = 0;
        for (var pass = 0; pass < 4; pass++)
        {
            acted += await _silo.SweepOnceAsync();
        }

        return acted;
    }
}
