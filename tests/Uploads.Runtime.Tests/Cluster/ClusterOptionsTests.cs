using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Runtime.Cluster;
using Uploads.Runtime.Tests.Fakes;
using Uploads.Storage;

namespace Uploads.Runtime.Tests.Cluster;

public sealed class ClusterOptionsTests
{
    [Fact]
    public void Validate_Defaults_SucceedsAsASingleSilo()
    {
        var options = new ClusterOptions();

        var result = new ClusterOptionsValidator().Validate(name: null, options);

        Assert.True(result.Succeeded);
        Assert.False(options.IsClustered);
    }

    [Fact]
    public void Validate_InternalUrlAndKey_Succeeds()
    {
        var options = new ClusterOptions { SiloId = "silo-1", InternalUrl = "http://127.0.0.1:7001", Key = "0123456789abcdef" };

        Assert.True(new ClusterOptionsValidator().Validate(name: null, options).Succeeded);
        Assert.True(options.IsClustered);
    }

    [Fact]
    public void Validate_EveryValueBad_ReportsEachWithHowToFix()
    {
        var options = new ClusterOptions
        {
            SiloId = "a/b",
            InternalUrl = "http://0.0.0.0:7001",
            Key = "short",
            HeartbeatInterval = TimeSpan.Zero,
            DeadAfter = TimeSpan.FromSeconds(-1),
            DrainTimeout = TimeSpan.FromSeconds(-1),
            ForwardTimeout = TimeSpan.Zero,
            DeadSiloRetention = TimeSpan.FromSeconds(-2),
        };

        var result = new ClusterOptionsValidator().Validate(name: null, options);

        Assert.Collection(
            result.Failures!,
            failure => Assert.StartsWith("Uploads:Cluster:SiloId is \"a/b\"; use 1 to 64 characters", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Cluster:InternalUrl is \"http://0.0.0.0:7001\"; use an address the other silos can dial", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Cluster:Key is 5 characters long; a cluster needs a shared secret of at least 16", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Cluster:HeartbeatInterval is 00:00:00; set a positive", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Cluster:DeadAfter is -00:00:01; set at least three heartbeat intervals", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Cluster:DrainTimeout is -00:00:01; set zero", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Cluster:ForwardTimeout is 00:00:00; set a positive", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Cluster:DeadSiloRetention is -00:00:02; set at least DeadAfter", failure, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a url", "use an absolute http or https URL")]
    [InlineData("ftp://10.0.0.5:7001", "use an absolute http or https URL")]
    [InlineData("http://10.0.0.5", "write the port explicitly")]
    [InlineData("http://10.0.0.5:0", "use a fixed port")]
    [InlineData("http://[::]:7001", "use an address the other silos can dial")]
    [InlineData("http://10.0.0.5:7001/grains", "give the scheme, host and port only")]
    public void Validate_BadInternalUrl_SaysWhatToWrite(string url, string advice)
    {
        var options = new ClusterOptions { InternalUrl = url, Key = "0123456789abcdef" };

        var failure = Assert.Single(new ClusterOptionsValidator().Validate(name: null, options).Failures!);

        Assert.Contains(advice, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, typeof(ActivationCatalog))]
    [InlineData("http://127.0.0.1:7001", typeof(ClusterGrainCallInvoker))]
    public async Task AddGrainCluster_InternalUrlSetOrNot_ChoosesTheInvoker(string? internalUrl, Type expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Uploads:Cluster:InternalUrl"] = internalUrl,
            ["Uploads:Cluster:Key"] = "0123456789abcdef",
        };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IGrainStateStore>(new InMemoryGrainStateStore());
        services.AddGrainCluster();
        services.AddGrainCluster();
        await using var provider = services.BuildServiceProvider();

        Assert.IsType(expected, provider.GetRequiredService<IGrainCallInvoker>());
        Assert.Equal(internalUrl is not null, provider.GetRequiredService<IClusterMembership>().IsClustered);
    }

    [Fact]
    public void UseGrainClusterInternalUrl_PublicUrlOnTheInternalPort_Throws()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:7001",
            ["Uploads:Cluster:InternalUrl"] = "http://127.0.0.1:7001",
        });

        var exception = Assert.Throws<InvalidOperationException>(() => builder.WebHost.UseGrainClusterInternalUrl(builder.Configuration));

        Assert.Contains("give the internal endpoint a port of its own", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseGrainClusterInternalUrl_Clustered_ListensOnPublicAndInternalUrls()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:5001",
            ["Uploads:Cluster:InternalUrl"] = "http://127.0.0.1:7001",
        });

        builder.WebHost.UseGrainClusterInternalUrl(builder.Configuration);

        Assert.Equal("http://127.0.0.1:5001;http://127.0.0.1:7001", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }
}
