using Uploads.Storage.AzureBlob;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>
/// A service SAS pinned to the signature Azurite 3.37.0 computes (generateBlobSASSignature, signed version
/// 2020-12-06) for the same values and key, which it checks the SAS of a Put Block From URL source against.
/// </summary>
public sealed class ServiceSasSignerTests
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CreateBlobReadSas_EmulatorAccount_MatchesTheEmulatorsSignature()
    {
        var signer = new ServiceSasSigner("devstoreaccount1", Convert.FromBase64String(DevelopmentKey));

        var sas = signer.CreateBlobReadSas("uploads", "dGVuYW50/01JD3W7K2Q0M8Z5X9C4V6B1N2T", s_now, TimeSpan.FromMinutes(30));

        Assert.Equal(
            "sv=2020-12-06&sp=r&st=2026-11-22T07%3A55%3A00Z&se=2026-11-22T08%3A30%3A00Z&sr=b&spr=https%2Chttp&sig=" + Uri.EscapeDataString("6H1W6P7ACRgAT0AQOUFH21pFOTN87fLAHJLA8A1eGl8="),
            sas);
    }

    [Fact]
    public void BuildStringToSign_BlobRead_HasTheSixteenFieldsOfVersion20201206()
    {
        var signer = new ServiceSasSigner("devstoreaccount1", Convert.FromBase64String(DevelopmentKey));

        var stringToSign = signer.BuildStringToSign("uploads", "a/b", "2026-11-22T07:55:00Z", "2026-11-22T08:30:00Z");

        Assert.Equal(
            "r\n2026-11-22T07:55:00Z\n2026-11-22T08:30:00Z\n/blob/devstoreaccount1/uploads/a/b\n\n\nhttps,http\n2020-12-06\nb\n\n\n\n\n\n\n",
            stringToSign);
    }
}
