using Uploads.Storage.AzureBlob;

namespace Uploads.Storage.Tests.AzureBlob;

public sealed class AzureStorageConnectionStringTests
{
    private const string Key = "dXBsb2Fkcy10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVm";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + Key + ";EndpointSuffix=core.windows.net", "acme", "https://acme.blob.core.windows.net/")]
    [InlineData("AccountName=acme;AccountKey=" + Key, "acme", "https://acme.blob.core.windows.net/")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=acme;AccountKey=" + Key + ";EndpointSuffix=core.chinacloudapi.cn;", "acme", "http://acme.blob.core.chinacloudapi.cn/")]
    [InlineData(" accountname = acme ; accountkey = " + Key + " ; defaultendpointsprotocol = HTTPS ", "acme", "https://acme.blob.core.windows.net/")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DevelopmentKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;", "devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("BlobEndpoint=http://127.0.0.1:41234/devstoreaccount1/;AccountName=devstoreaccount1;AccountKey=" + DevelopmentKey + ";QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1", "devstoreaccount1", "http://127.0.0.1:41234/devstoreaccount1")]
    [InlineData("BlobEndpoint=https://storage.example.org;AccountName=acme;AccountKey=" + Key, "acme", "https://storage.example.org/")]
    [InlineData("UseDevelopmentStorage=true", "devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("usedevelopmentstorage=TRUE;", "devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1")]
    public void Parse_ValidConnectionString_GivesAccountAndBlobEndpoint(string connectionString, string accountName, string blobEndpoint)
    {
        var parsed = AzureStorageConnectionString.Parse(connectionString);

        Assert.Equal(accountName, parsed.AccountName);
        Assert.Equal(new Uri(blobEndpoint), parsed.BlobEndpoint);
        Assert.False(parsed.BlobEndpoint.AbsoluteUri.EndsWith("devstoreaccount1/", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_KeyEndingInPadding_KeepsTheWholeKey()
    {
        var parsed = AzureStorageConnectionString.Parse($"AccountName=devstoreaccount1;AccountKey={DevelopmentKey}");

        Assert.Equal(Convert.FromBase64String(DevelopmentKey), parsed.AccountKey);
    }

    [Fact]
    public void Parse_UseDevelopmentStorage_UsesTheWellKnownKey()
    {
        var parsed = AzureStorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal(Convert.FromBase64String(DevelopmentKey), parsed.AccountKey);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(";;", "no settings")]
    [InlineData("AccountName", "Name=Value")]
    [InlineData("=acme", "Name=Value")]
    [InlineData("AccountKey=" + Key, "no AccountName")]
    [InlineData("AccountName=acme", "no AccountKey")]
    [InlineData("AccountName=acme;AccountKey=", "no AccountKey")]
    [InlineData("AccountName=acme;AccountKey=not*base64", "not base64")]
    [InlineData("AccountName=acme;AccountName=other;AccountKey=" + Key, "twice")]
    [InlineData("AccountName=acme;AccountKey=" + Key + ";DefaultEndpointsProtocol=ftp", "neither https nor http")]
    [InlineData("AccountName=acme;AccountKey=" + Key + ";BlobEndpoint=ftp://acme.example.org", "BlobEndpoint")]
    [InlineData("AccountName=acme;AccountKey=" + Key + ";BlobEndpoint=/relative", "BlobEndpoint")]
    [InlineData("AccountName=acme;AccountKey=" + Key + ";BlobEndpoint=https://acme.example.org/?sv=1", "BlobEndpoint")]
    [InlineData("AccountName=acme;AccountKey=" + Key + ";AcountName=typo", "AcountName")]
    [InlineData("BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=2020&sig=abc", "SharedAccessSignature")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage")]
    [InlineData("UseDevelopmentStorage=true;AccountName=acme", "stands alone")]
    public void TryParse_UnusableConnectionString_SaysWhyWithoutQuotingTheKey(string connectionString, string reason)
    {
        Assert.False(AzureStorageConnectionString.TryParse(connectionString, out var parsed, out var error));

        Assert.Null(parsed);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => AzureStorageConnectionString.Parse(connectionString));
    }
}
