using Uploads.Gateway;
using Uploads.Grains;
using Uploads.Runtime;
using Uploads.Storage;

var builder = WebApplication.CreateBuilder(args);

// Chunk bodies are limited per endpoint (Uploads:Limits:MaxChunkSize), not by Kestrel's 30 MB default.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

builder.Services.AddUploadsStorage();
builder.Services.AddGrainRuntime();
builder.Services.AddUploadGrains();
builder.Services.AddUploadsGateway();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapUploadsGateway();

app.Run();

/// <summary>The silo's entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program
{
}
