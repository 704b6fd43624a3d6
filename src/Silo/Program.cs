using Uploads.Gateway;
using Uploads.Gateway.Cors;
using Uploads.Grains;
using Uploads.Runtime.Cluster;
using Uploads.Storage;

var builder = WebApplication.CreateBuilder(args);

// Chunk bodies are limited per endpoint (Uploads:Limits:MaxChunkSize), not by Kestrel's 30 MB default.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

// In a cluster, the silo also listens on Uploads:Cluster:InternalUrl, beside the public URLs (--urls).
builder.WebHost.UseGrainClusterInternalUrl(builder.Configuration);

builder.Services.AddUploadsStorage();
builder.Services.AddGrainCluster();
builder.Services.AddUploadGrains();
builder.Services.AddUploadsGateway();

var app = builder.Build();

// First: the internal port serves the silo-to-silo endpoint and nothing else.
app.UseGrainClusterEndpoint();
app.UseExceptionHandler();
app.UseStatusCodePages();

// Before authentication: a browser's preflight carries no credentials.
app.UseCors(UploadsCorsServiceCollectionExtensions.PolicyName);
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapUploadsGateway();

app.Run();

/// <summary>The silo's entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program
{
}
