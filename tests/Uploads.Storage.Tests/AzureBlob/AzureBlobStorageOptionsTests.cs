using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Uploads.Storage.AzureBlob;

namespace Uploads.Storage.Tests.AzureBlob;

public sealed class AzureBlobStorageOptionsTests
{
    [Fact]
    public void AzureBlobStorageOptions_New_HasDocumentedDefaults()
    {
        var options = new AzureBlobStorageOptions();

        Assert.Equal("", options.ConnectionString);
        Assert.Equal("", options.ServiceUri);
        Assert.Equal("uploads", options.Container);
        Assert.Equal("", options.StateContainer);
        Assert.Equal("uploads-state", options.GetStateContainer());
        Assert.Equal(TimeSpan.FromSeconds(5), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ConnectTimeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RetryBaseDelay);
    }

    [Theory]
    [InlineData("AzureBlob")]
    [InlineData("azureblob")]
    public void AddUploadsStorage_AzureBlobProvider_RegistersAzureBlobSingletonsOnTheirContainers(string provider)
    {
        using var services = Build(new()
        {
            ["Uploads:Storage:Provider"] = provider,
            ["Uploads:Storage:AzureBlob:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Uploads:Storage:AzureBlob:Container"] = "media",
        });
        services.GetRequiredService<IStartupValidator>().Validate();

        var blocks = Assert.IsType<AzureBlobBlockStore>(services.GetRequiredService<IBlockStore>());
        var state = Assert.IsType<AzureBlobGrainStateStore>(services.GetRequiredService<IGrainStateStore>());

        Assert.Equal("media", blocks.Container);
        Assert.Equal("media-state", state.Container);
        Assert.Same(blocks, services.GetRequiredService<IBlockStore>());

        // One client for the process, registered through Microsoft.Extensions.Azure, and the connection it belongs to.
        var connection = services.GetRequiredService<AzureBlobConnection>();
        Assert.Same(connection.Client, services.GetRequiredService<BlobServiceClient>());
        Assert.Same(connection.Client, services.GetRequiredService<IAzureClientFactory<BlobServiceClient>>().CreateClient("Default"));
        Assert.Equal("UseDevelopmentStorage=true", connection.ConnectionString);
        Assert.True(connection.IsEmulator);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", connection.BlobEndpoint.AbsoluteUri.TrimEnd('/'));
    }

    [Fact]
    public void AddUploadsStorage_ServiceUriWithoutConnectionString_UsesTheRegisteredTokenCredential()
    {
        var credential = new DefaultAzureCredential();
        using var services = Build(
            new()
            {
                ["Uploads:Storage:Provider"] = "AzureBlob",
                ["Uploads:Storage:AzureBlob:ServiceUri"] = "https://uploadsaccount.blob.core.windows.net",
            },
            collection => collection.AddSingleton<TokenCredential>(credential));
        services.GetRequiredService<IStartupValidator>().Validate();

        var connection = services.GetRequiredService<AzureBlobConnection>();

        Assert.Null(connection.ConnectionString);
        Assert.Same(credential, connection.Credential);
        Assert.False(connection.IsEmulator);
        Assert.Equal("uploadsaccount", connection.Client.AccountName);
        Assert.Same(connection.Client, services.GetRequiredService<BlobServiceClient>());
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", "https://a.blob.core.windows.net", "ServiceUri")]
    [InlineData("", "", "ConnectionString")]
    [InlineData("", "http://a.blob.core.windows.net", "ServiceUri")]
    [InlineData("", "https://a.blob.core.windows.net/?sv=2026-06-06&sig=x", "ServiceUri")]
    [InlineData("", "not a uri", "ServiceUri")]
    public void Validate_AccountNamedWrongly_ReportsWhichSettingToFix(string connectionString, string serviceUri, string setting)
    {
        using var services = Build(new()
        {
            ["Uploads:Storage:Provider"] = "AzureBlob",
            ["Uploads:Storage:AzureBlob:ConnectionString"] = connectionString,
            ["Uploads:Storage:AzureBlob:ServiceUri"] = serviceUri,
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.StartsWith($"Uploads:Storage:AzureBlob:{setting} ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddUploadsStorage_StateContainerSet_UsesIt()
    {
        using var services = Build(new()
        {
            ["Uploads:Storage:Provider"] = "AzureBlob",
            ["Uploads:Storage:AzureBlob:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Uploads:Storage:AzureBlob:StateContainer"] = "silo-state",
        });

        Assert.Equal("silo-state", Assert.IsType<AzureBlobGrainStateStore>(services.GetRequiredService<IGrainStateStore>()).Container);
    }

    [Fact]
    public void AddUploadsStorage_EveryAzureBlobSettingBad_ReportsEachAtOnceWithHowToFix()
    {
        using var services = Build(new()
        {
            ["Uploads:Storage:Provider"] = "AzureBlob",
            ["Uploads:Storage:AzureBlob:ConnectionString"] = "AccountName=acme;AccountKey=secret*key",
            ["Uploads:Storage:AzureBlob:Container"] = "Uploads_Data",
            ["Uploads:Storage:AzureBlob:StateContainer"] = "x",
            ["Uploads:Storage:AzureBlob:RequestTimeout"] = "00:00:00",
            ["Uploads:Storage:AzureBlob:ConnectTimeout"] = "-00:00:01",
            ["Uploads:Storage:AzureBlob:MaxRetries"] = "-1",
            ["Uploads:Storage:AzureBlob:RetryBaseDelay"] = "00:05:00",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        string[] settings = ["ConnectionString", "Container", "StateContainer", "RequestTimeout", "ConnectTimeout", "MaxRetries", "RetryBaseDelay"];
        Assert.Equal(settings.Length, error.Failures.Count());
        Assert.All(settings, setting => Assert.Contains(error.Failures, failure => failure.StartsWith($"Uploads:Storage:AzureBlob:{setting} ", StringComparison.Ordinal)));
        Assert.All(error.Failures, failure => Assert.Contains("set it", failure, StringComparison.Ordinal));
        Assert.All(error.Failures, failure => Assert.DoesNotContain("secret*key", failure, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("uploads", "", true)]
    [InlineData("abc", "abc-state", true)]
    [InlineData("a1-b2", "state", true)]
    [InlineData("ab", "", false)]
    [InlineData("-uploads", "", false)]
    [InlineData("uploads-", "", false)]
    [InlineData("up--loads", "", false)]
    [InlineData("uploads", "uploads", false)]
    [InlineData("uploads", "Uploads-State", false)]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890", "", false)]
    public void Validate_ContainerNames_FollowAzureRules(string container, string stateContainer, bool valid)
    {
        using var services = Build(new()
        {
            ["Uploads:Storage:Provider"] = "AzureBlob",
            ["Uploads:Storage:AzureBlob:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Uploads:Storage:AzureBlob:Container"] = container,
            ["Uploads:Storage:AzureBlob:StateContainer"] = stateContainer,
        });

        var validate = () => services.GetRequiredService<IStartupValidator>().Validate();

        if (valid)
        {
            validate();
        }
        else
        {
            var error = Assert.Throws<OptionsValidationException>(validate);
            Assert.Contains("Container", Assert.Single(error.Failures), StringComparison.Ordinal);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        configure?.Invoke(services);
        services.AddUploadsStorage();
        return services.BuildServiceProvider();
    }
}
