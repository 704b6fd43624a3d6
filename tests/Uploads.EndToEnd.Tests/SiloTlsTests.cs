using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Testing;
using Xunit.Abstractions;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// TLS between silos (<c>Uploads:Silo:Tls</c>) with self-signed certificates made here: two silos that share one
/// certificate serve an upload whose grain lives on the other silo, their silo port speaks TLS with that certificate,
/// and a third silo with a certificate of its own cannot join them: the two declare it dead and it stops.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SiloTlsTests
{
    private const int KiB = 1024;
    private const string PfxPassword = "silo-tls-test-password";

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(2);

    // The outsider gives up joining after this (Orleans' MaxJoinAttemptTime, 5 minutes by default).
    private static readonly TimeSpan s_outsiderJoinTime = TimeSpan.FromSeconds(8);

    private readonly ITestOutputHelper _output;

    public SiloTlsTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Upload_TwoSilosShareACertificate_ServedThroughTheOtherSiloAndAnOutsiderCannotJoin()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var data = new TemporaryDirectory();
        using var certificates = new TemporaryDirectory();
        using var shared = CreateSelfSignedCertificate("uploads-silo");
        var pfxPath = Path.Combine(certificates.FullPath, "silo.pfx");
        await File.WriteAllBytesAsync(pfxPath, shared.Export(X509ContentType.Pfx, PfxPassword), cancellationToken);

        await using var azurite = await AzuriteProcess.StartWithTablesAsync(cancellationToken);
        await using var cluster = await SiloCluster.StartAsync(
            2,
            azurite,
            data.FullPath,
            cancellationToken,
            new Dictionary<string, string>
            {
                ["Uploads__Silo__Tls__CertificatePath"] = pfxPath,
                ["Uploads__Silo__Tls__Password"] = PfxPassword,
            });
        var (owner, other) = (cluster.Silos[0], cluster.Silos[1]);

        // Created through the first silo, the upload's grain lives there (PreferLocalPlacement): every call below,
        // made through the second, crosses the silo-to-silo connection.
        var payload = new UploadPayload((5 * 64 * KiB) + 321, 64 * KiB);
        var uploadId = (await owner.CreateUploadAsync("tls.bin", payload, cancellationToken)).UploadId;
        for (var index = 0; index < payload.ChunkCount; index++)
        {
            await other.PutChunkAsync(uploadId, payload, index, withDigest: true, cancellationToken);
        }

        var completed = await other.CompleteUploadAsync(uploadId, cancellationToken);
        Assert.Equal("completed", completed.State);
        Assert.Equal(payload.ChunksSha256, completed.Result!.ChunksSha256);
        using (var content = await other.Client.GetAsync($"{SiloApiExtensions.UploadPath(uploadId)}/content", cancellationToken))
        {
            await other.ExpectStatusAsync(content, HttpStatusCode.OK, cancellationToken);
            Assert.Equal(payload.Bytes, await content.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        // The silo port itself: a TLS handshake with the shared certificate succeeds and the silo presents it.
        foreach (var silo in cluster.Silos)
        {
            Assert.Equal(shared.Thumbprint, await HandshakeAsync(silo.SiloPort, shared, cancellationToken));
        }

        // A silo with a certificate of its own (a PEM pair this time) finds no peer that accepts it and gives up.
        using var outsiderCertificate = CreateSelfSignedCertificate("uploads-outsider");
        var certificatePath = Path.Combine(certificates.FullPath, "outsider.crt");
        var keyPath = Path.Combine(certificates.FullPath, "outsider.key");
        await File.WriteAllTextAsync(certificatePath, outsiderCertificate.ExportCertificatePem(), cancellationToken);
        await File.WriteAllTextAsync(keyPath, outsiderCertificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem(), cancellationToken);
        var outsiderSettings = new Dictionary<string, string>(cluster.Settings)
        {
            ["Uploads__Silo__Tls__CertificatePath"] = certificatePath,
            ["Uploads__Silo__Tls__KeyPath"] = keyPath,
            ["Uploads__Silo__Tls__Password"] = "",
            ["Orleans__Membership__MaxJoinAttemptTime"] = s_outsiderJoinTime.ToString("c"),
        };
        var started = Stopwatch.GetTimestamp();
        var join = SiloProcess.StartAsync(data.FullPath, outsiderSettings, cancellationToken);
        var views = new List<string>();
        while (!join.IsCompleted)
        {
            // Meanwhile the two never count it as one of them, and keep serving the upload.
            foreach (var silo in cluster.Silos)
            {
                views.Add(await ActiveSilosAsync(silo, cancellationToken));
            }

            Assert.Equal("completed", (await other.GetUploadAsync(uploadId, cancellationToken)).State);
            await Task.WhenAny(join, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken));
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => join);
        // It never became ready: the two found it unreachable on probing and declared it dead (Orleans then stops a
        // silo that reads it is dead), or it gave up joining on its own. Either way the two list it, and not active.
        var members = string.Join(' ', cluster.SiloIds.Order(StringComparer.Ordinal));
        Assert.All(views, view => Assert.True(view is "unavailable" || view == members, $"A silo counted [{view}] active, not [{members}]."));
        foreach (var silo in cluster.Silos)
        {
            var view = await SiloCluster.GetViewAsync(silo, cancellationToken);
            Assert.Equal(members, string.Join(' ', view.Silos.Where(s => s.Status == "active").Select(s => s.SiloId)));
            var outsider = Assert.Single(view.Silos, s => !cluster.SiloIds.Contains(s.SiloId));
            Assert.Contains(outsider.Status, new[] { "dead", "joining" });
        }

        _output.WriteLine($"The outsider: {refused.Message.Split(Environment.NewLine)[0]}");
        Assert.Equal(shared.Thumbprint, await HandshakeAsync(owner.SiloPort, shared, cancellationToken));
        Assert.Equal("completed", (await owner.GetUploadAsync(uploadId, cancellationToken)).State);
        _output.WriteLine($"Views of the two while the outsider tried: {string.Join(" | ", views.Distinct())}.");
        _output.WriteLine($"The outsider was gone {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s after it started; the two silos served the upload throughout.");
    }

    /// <summary>The active silos <c>GET /v1/cluster</c> of <paramref name="silo"/> lists, or "unavailable" for a 503 <c>silo_unavailable</c>.</summary>
    private static async Task<string> ActiveSilosAsync(SiloProcess silo, CancellationToken cancellationToken)
    {
        using var response = await silo.Client.GetAsync("/v1/cluster", cancellationToken);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            var problem = await silo.ReadProblemAsync(response, HttpStatusCode.ServiceUnavailable, cancellationToken);
            Assert.Equal("silo_unavailable", problem.Code);
            return "unavailable";
        }

        var view = await silo.ReadJsonAsync<ClusterResponse>(response, HttpStatusCode.OK, cancellationToken);
        return string.Join(' ', view.Silos.Where(s => s.Status == "active").Select(s => s.SiloId));
    }

    /// <summary>A self-signed RSA certificate for <c>CN=<paramref name="name"/></c>, valid for a day, usable by a TLS server and client.</summary>
    private static X509Certificate2 CreateSelfSignedCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")],
            critical: false));
        var subjectAlternativeNames = new SubjectAlternativeNameBuilder();
        subjectAlternativeNames.AddIpAddress(IPAddress.Loopback);
        subjectAlternativeNames.AddDnsName(name);
        request.CertificateExtensions.Add(subjectAlternativeNames.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>
    /// Opens a TLS connection to a silo port, presenting <paramref name="clientCertificate"/>, and returns the thumbprint
    /// of the certificate the silo presents. Throws when the port does not speak TLS.
    /// </summary>
    private static async Task<string> HandshakeAsync(int port, X509Certificate2 clientCertificate, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        X509Certificate2? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true;
        });
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "uploads-silo",
                ClientCertificates = [clientCertificate],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            },
            cancellationToken);
        using (presented)
        {
            return presented?.Thumbprint ?? throw new InvalidOperationException($"The silo port {port} presented no certificate.");
        }
    }
}
