namespace Uploads.Silo.Hosting;

/// <summary>
/// TLS on Orleans' silo-to-silo connections (section <c>Uploads:Silo:Tls</c>). Every silo presents the certificate
/// and accepts a peer whose certificate chains to a trusted root or is this same certificate, so one self-signed
/// certificate shared by the silos of a cluster is enough.
/// </summary>
public sealed class SiloTlsOptions
{
    /// <summary>A PFX (PKCS #12) file, or a PEM certificate whose key is in <see cref="KeyPath"/>. Empty: no TLS. Default: empty.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>. Default: empty.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>The password of a PFX file. Default: empty.</summary>
    public string Password { get; set; } = "";

    /// <summary>Whether TLS is on.</summary>
    public bool Enabled => CertificatePath.Length > 0;
}
