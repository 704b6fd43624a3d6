using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>The real silo process with authentication on: tokens decide who may call and whose uploads they see.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class JwtModeTests
{
    private const string SigningKey = "end-to-end-signing-key-of-at-least-32-bytes";
    private const int ChunkSize = 64 * 1024;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Upload_JwtMode_ServesTokenHoldersTheirOwnUploadsOnly()
    {
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cancellationToken = timeout.Token;
        using var data = new TemporaryDirectory();
        await using var silo = await SiloProcess.StartAsync(
            data.FullPath,
            new Dictionary<string, string>
            {
                ["Uploads__Auth__Mode"] = "Jwt",
                ["Uploads__Auth__Jwt__SigningKey"] = SigningKey,
            },
            cancellationToken);
        using var anonymous = Client(silo, token: null);
        using var alice = Client(silo, Token("alice", SigningKey));
        using var bob = Client(silo, Token("bob", SigningKey));
        using var forger = Client(silo, Token("alice", "a-different-key-that-is-also-32-bytes-long"));
        var file = RandomNumberGenerator.GetBytes(ChunkSize + 100);

        using var refused = await anonymous.PostAsJsonAsync("/v1/uploads", new { fileName = "a.bin", size = file.Length, chunkSize = ChunkSize }, cancellationToken);
        using var forged = await forger.GetAsync("/v1/uploads", cancellationToken);
        using var created = await alice.PostAsJsonAsync("/v1/uploads", new { fileName = "a.bin", size = file.Length, chunkSize = ChunkSize }, cancellationToken);
        var uploadId = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("uploadId").GetString();
        for (var index = 0; index < 2; index++)
        {
            using var chunk = new ByteArrayContent(file, index * ChunkSize, Math.Min(ChunkSize, file.Length - (index * ChunkSize)));
            using var put = await alice.PutAsync($"/v1/uploads/{uploadId}/chunks/{index}", chunk, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var otherTenant = await bob.GetAsync($"/v1/uploads/{uploadId}", cancellationToken);
        using var completed = await alice.PostAsync($"/v1/uploads/{uploadId}/complete", content: null, cancellationToken);
        var content = await alice.GetByteArrayAsync($"/v1/uploads/{uploadId}/content", cancellationToken);
        using var health = await anonymous.GetAsync("/healthz/ready", cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(file, content);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static HttpClient Client(SiloProcess silo, string? token)
    {
        var client = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static string Token(string subject, string key) => HandMadeJwt.Sign(subject, key);
}
