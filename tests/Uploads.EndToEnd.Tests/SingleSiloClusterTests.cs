using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>A silo with no cluster settings: a cluster of one, as before clusters existed, with <c>GET /v1/cluster</c> authenticated like the API.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SingleSiloClusterTests
{
    private const string SigningKey = "single-silo-cluster-signing-key-32-bytes";

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task GetCluster_SingleSilo_ListsItselfOnlyAndNeedsAToken()
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
        using var alice = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("alice"));

        using var anonymous = await silo.Client.GetAsync("/v1/cluster", cancellationToken);
        using var internalPath = await alice.PostAsync("/internal/grains/call", new StringContent("{}", Encoding.UTF8, "application/json"), cancellationToken);
        var view = await alice.GetFromJsonAsync<ClusterResponse>("/v1/cluster", cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, internalPath.StatusCode);
        Assert.NotNull(view);
        Assert.False(view.Clustered);
        var self = Assert.Single(view.Silos);
        Assert.Equal((view.SiloId, "active", true, null, null), (self.SiloId, self.Status, self.Self, self.Address, self.LastHeartbeat));
        Assert.DoesNotContain("/membership", string.Join(' ', Directory.EnumerateFileSystemEntries(data.FullPath, "*", SearchOption.AllDirectories)), StringComparison.Ordinal);
    }

    /// <summary>An HS256 JWT made by hand, as any client library would make it.</summary>
    private static string Token(string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode("""{"alg":"HS256","typ":"JWT"}""");
        var payload = Encode($$"""{"sub":"{{subject}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}}}""");
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{System.Buffers.Text.Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
