namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>The tests that share one Azurite; each uses blob names and keys of its own.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
