using Uploads.Gateway;
using Uploads.Gateway.Cors;
using Uploads.Grains;
using Uploads.Silo.Hosting;
using Uploads.Storage;

var builder = WebApplication.CreateBuilder(args);

// Chunk bodies are limited per endpoint (Uploads:Limits:MaxChunkSize), not by Kestrel's 30 MB default.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

// An Orleans silo in this process: clustering, grain storage, failure detection and TLS from configuration.
builder.AddUploadsSilo();
builder.Services.AddUploadsStorage();
builder.Services.AddUploadGrains();
builder.Services.AddUploadsGateway();

var app = builder.Build();

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
