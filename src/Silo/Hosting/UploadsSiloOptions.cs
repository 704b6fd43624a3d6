namespace Uploads.Silo.Hosting;

/// <summary>Settings of the silo process itself (section <c>Uploads:Silo</c>); Orleans' own live under <c>Orleans</c>.</summary>
public sealed class UploadsSiloOptions
{
    /// <summary>The configuration section these options are bound to.</summary>
    public const string SectionName = "Uploads:Silo";

    /// <summary>
    /// How long a SIGTERM gives Orleans' graceful shutdown (stop taking calls, finish those in flight, deactivate the
    /// grains, leave the membership) and the HTTP server's drain; keep it under the pod's grace period. Default: 30 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>TLS between silos; off unless a certificate is given.</summary>
    public SiloTlsOptions Tls { get; set; } = new();
}
