using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Uploads.Silo.Hosting;

/// <summary>Loads the silo-to-silo certificate and decides which peers to trust.</summary>
internal static class SiloCertificates
{
    /// <summary>The certificate <paramref name="tls"/> names: a PEM pair when a key is given, a PFX file otherwise.</summary>
    public static X509Certificate2 Load(SiloTlsOptions tls)
    {
        if (tls.KeyPath.Length > 0)
        {
            using var pem = X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);

            // A key made from PEM is ephemeral; SslStream needs one it can export to the platform's TLS stack.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.Password.Length > 0 ? tls.Password : null);
    }

    /// <summary>Trusts a peer whose certificate chains to a trusted root, or that presents <paramref name="own"/> itself.</summary>
    public static bool IsTrustedPeer(X509Certificate2 own, X509Certificate2? remote, SslPolicyErrors errors) =>
        remote is not null && (errors == SslPolicyErrors.None || remote.RawDataMemory.Span.SequenceEqual(own.RawDataMemory.Span));
}
