using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Uploads.Storage.FileSystem;
using Uploads.Storage.Tests.FileSystem;

namespace Uploads.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void StorageOptions_New_HasDocumentedDefaults()
    {
        var options = new StorageOptions();

        Assert.Equal("FileSystem", options.Provider);
        Assert.Equal("./data", options.FileSystem.Root);
    }

    [Fact]
    public void AddUploadsStorage_NoConfiguration_BindsDefaults()
    {
        using var services = Build([]);

        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal("FileSystem", options.Provider);
        Assert.Equal("./data", options.FileSystem.Root);
    }

    [Theory]
    [InlineData("FileSystem")]
    [InlineData("filesystem")]
    public void AddUploadsStorage_FileSystemProvider_RegistersFileSystemSingletonsUnderRoot(string provider)
    {
        using var services = Build(new()
        {
            ["Uploads:Storage:Provider"] = provider,
            ["Uploads:Storage:FileSystem:Root"] = _root.Path,
        });
        services.GetRequiredService<IStartupValidator>().Validate();

        var blocks = services.GetRequiredService<IBlockStore>();
        var state = services.GetRequiredService<IGrainStateStore>();

        Assert.IsType<FileSystemBlockStore>(blocks);
        Assert.IsType<FileSystemGrainStateStore>(state);
        Assert.Same(blocks, services.GetRequiredService<IBlockStore>());
        Assert.Same(state, services.GetRequiredService<IGrainStateStore>());
        Assert.All(new[] { "blocks", "blobs", "state", "locks", "tmp" }, folder => Assert.True(Directory.Exists(Path.Combine(_root.Path, folder))));
    }

    [Theory]
    [InlineData("AzureBlob", null, "AzureBlob:ConnectionString")]
    [InlineData("Nope", null, "Provider")]
    [InlineData("", null, "Provider")]
    [InlineData("FileSystem", "", "Root")]
    [InlineData("FileSystem", "   ", "Root")]
    public void AddUploadsStorage_BadSetting_FailsStartupValidationNamingIt(string provider, string? root, string setting)
    {
        var configuration = new Dictionary<string, string?> { ["Uploads:Storage:Provider"] = provider };
        if (root is not null)
        {
            configuration["Uploads:Storage:FileSystem:Root"] = root;
        }

        using var services = Build(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        var failure = Assert.Single(error.Failures);
        Assert.Contains($"Uploads:Storage:{(setting == "Root" ? "FileSystem:Root" : setting)}", failure, StringComparison.Ordinal);
        Assert.Contains("set it to", failure, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddUploadsStorage();
        return services.BuildServiceProvider();
    }
}
