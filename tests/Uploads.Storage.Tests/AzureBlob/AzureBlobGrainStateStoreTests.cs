using Microsoft.Extensions.Logging.Abstractions;
using Uploads.Storage.AzureBlob;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>The state store contract against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobGrainStateStoreTests : GrainStateStoreContractTests
{
    private readonly AzuriteFixture _azurite;

    public AzureBlobGrainStateStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
    }

    protected override IGrainStateStore CreateStore() =>
        new AzureBlobGrainStateStore(_azurite.Connection, NullLogger<AzureBlobGrainStateStore>.Instance);
}
