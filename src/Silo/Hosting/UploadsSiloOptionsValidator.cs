using Microsoft.Extensions.Options;

namespace Uploads.Silo.Hosting;

/// <summary>Reports every bad setting of <see cref="UploadsSiloOptions"/> at once, saying how to fix it.</summary>
internal sealed class UploadsSiloOptionsValidator : IValidateOptions<UploadsSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadsSiloOptions options)
    {
        var failures = new List<string>();
        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{UploadsSiloOptions.SectionName}:ShutdownTimeout must be positive, such as 00:00:30.");
        }

        var tls = options.Tls;
        if (tls.Enabled && !File.Exists(tls.CertificatePath))
        {
            failures.Add($"{UploadsSiloOptions.SectionName}:Tls:CertificatePath names '{tls.CertificatePath}', which is not a file; give a PFX file or a PEM certificate.");
        }

        if (tls.KeyPath.Length > 0 && !File.Exists(tls.KeyPath))
        {
            failures.Add($"{UploadsSiloOptions.SectionName}:Tls:KeyPath names '{tls.KeyPath}', which is not a file; give the PEM private key of the certificate.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
