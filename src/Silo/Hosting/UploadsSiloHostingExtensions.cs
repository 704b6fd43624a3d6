using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Uploads.Gateway.Apis;
using Uploads.Grains;
using Uploads.Storage;

namespace Uploads.Silo.Hosting;

/// <summary>Makes this process an Orleans silo for the upload grains, configured from <c>Orleans</c> and <c>Uploads</c>.</summary>
public static class UploadsSiloHostingExtensions
{
    private const string ClusteringSection = "Orleans:Clustering";

    /// <summary>
    /// Hosts a silo beside the HTTP API (<c>UseOrleans</c>). With no <c>Orleans:Clustering</c> section the silo is a
    /// cluster of one on localhost; otherwise Orleans' configured provider finds the peers (<c>AzureTableStorage</c>,
    /// whose connection string defaults to <c>Uploads:Storage:AzureBlob:ConnectionString</c>). Grain state goes to the
    /// store <c>Uploads:Storage:Provider</c> names. Failure detection is tuned by <c>Orleans:Membership</c>
    /// (<see cref="ClusterMembershipOptions"/>); TLS between silos by <c>Uploads:Silo:Tls</c>.
    /// </summary>
    public static WebApplicationBuilder AddUploadsSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var clustered = configuration.GetSection(ClusteringSection).Exists();
        if (clustered && string.IsNullOrEmpty(configuration[$"{ClusteringSection}:ConnectionString"]) &&
            string.IsNullOrEmpty(configuration[$"{ClusteringSection}:ServiceKey"]) &&
            string.IsNullOrEmpty(configuration[$"{ClusteringSection}:ConnectionName"]) &&
            configuration[$"{StorageOptions.SectionName}:AzureBlob:ConnectionString"] is { Length: > 0 } storage)
        {
            // The shorter form: one storage account (or one Azurite) holds the bytes, the state and the membership table.
            configuration.AddInMemoryCollection([new($"{ClusteringSection}:ConnectionString", storage)]);
        }

        builder.Services.AddOptions<UploadsSiloOptions>().BindConfiguration(UploadsSiloOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<UploadsSiloOptions>, UploadsSiloOptionsValidator>();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<UploadsSiloOptions>>((host, silo) => host.ShutdownTimeout = silo.Value.ShutdownTimeout);
        builder.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration("Orleans:Membership");
        builder.Services.AddSingleton(new ClusterTopology(clustered));

        builder.UseOrleans(silo =>
        {
            if (!clustered)
            {
                silo.UseLocalhostClustering(
                    configuration.GetValue("Orleans:Endpoints:SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                    configuration.GetValue("Orleans:Endpoints:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT));
            }

            silo.AddUploadsGrainStorage(UploadKeys.StorageName);
            var tls = configuration.GetSection($"{UploadsSiloOptions.SectionName}:Tls").Get<SiloTlsOptions>() ?? new SiloTlsOptions();
            if (tls.Enabled)
            {
                var certificate = SiloCertificates.Load(tls);
                silo.UseTls(certificate, options =>
                {
                    options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                    options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                    options.RemoteCertificateValidation = (remote, _, errors) => SiloCertificates.IsTrustedPeer(certificate, remote, errors);
                });
            }
        });
        return builder;
    }
}
