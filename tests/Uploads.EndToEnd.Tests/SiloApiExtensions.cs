using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Uploads.EndToEnd.Tests.Contracts;
using Uploads.Testing;

namespace Uploads.EndToEnd.Tests;

/// <summary>
/// The API.md requests the tests send to a <see cref="SiloProcess"/>, and checks of the answers that fail with the
/// request, the answer and the silo's recent output.
/// </summary>
internal static class SiloApiExtensions
{
    public const string ProblemJson = "application/problem+json";

    private const int MaxBodyInMessage = 4000;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static string UploadPath(string uploadId) => $"/v1/uploads/{uploadId}";

    /// <summary><c>POST /v1/uploads</c> for <paramref name="payload"/> with its chunk size; expects 201.</summary>
    public static async Task<UploadResponse> CreateUploadAsync(
        this SiloProcess silo,
        string fileName,
        UploadPayload payload,
        CancellationToken cancellationToken = default)
    {
        var body = new { fileName, size = payload.Size, chunkSize = payload.ChunkSize };
        using var response = await silo.Client.PostAsJsonAsync("/v1/uploads", body, s_json, cancellationToken);
        return await silo.ReadJsonAsync<UploadResponse>(response, HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>
    /// <c>PUT /v1/uploads/{id}/chunks/{index}</c> with the chunk's bytes and, when <paramref name="withDigest"/>, its
    /// <c>Content-Digest</c>; returns the answer whatever its status.
    /// </summary>
    public static Task<HttpResponseMessage> SendChunkAsync(
        this SiloProcess silo,
        string uploadId,
        UploadPayload payload,
        int index,
        bool withDigest,
        HttpCompletionOption completionOption,
        CancellationToken cancellationToken = default)
    {
        // Not disposed here: the answer refers to it, and with ResponseHeadersRead the caller reads on.
        var request = new HttpRequestMessage(HttpMethod.Put, $"{UploadPath(uploadId)}/chunks/{index}")
        {
            Content = new ReadOnlyMemoryContent(payload.Chunk(index)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (withDigest && !request.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{payload.ChunkSha256(index)}:"))
        {
            throw new InvalidOperationException("HttpClient refused the Content-Digest request header.");
        }

        return silo.Client.SendAsync(request, completionOption, cancellationToken);
    }

    /// <summary>Sends chunk <paramref name="index"/>; expects 200 with a receipt that matches the chunk.</summary>
    public static async Task<UploadResponse> PutChunkAsync(
        this SiloProcess silo,
        string uploadId,
        UploadPayload payload,
        int index,
        bool withDigest,
        CancellationToken cancellationToken = default)
    {
        using var response = await silo.SendChunkAsync(uploadId, payload, index, withDigest, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var upload = await silo.ReadJsonAsync<UploadResponse>(response, HttpStatusCode.OK, cancellationToken);
        if (DescribeWrongReceipt(upload, payload, index) is { } wrong)
        {
            Assert.Fail($"PUT chunk {index} of {uploadId} answered 200 with {wrong}.{silo.DescribeOutput()}");
        }

        return upload;
    }

    /// <summary>What is wrong with the receipt of chunk <paramref name="index"/> in <paramref name="upload"/>, or null.</summary>
    public static string? DescribeWrongReceipt(UploadResponse upload, UploadPayload payload, int index) => upload.Chunk switch
    {
        null => "no chunk receipt",
        { } chunk when chunk.Index != index || chunk.Size != payload.Chunk(index).Length || chunk.Sha256 != payload.ChunkSha256(index) =>
            $"receipt {chunk}, expected index {index}, size {payload.Chunk(index).Length}, sha256 {payload.ChunkSha256(index)}",
        _ => null,
    };

    /// <summary><c>GET /v1/uploads/{id}</c>; expects 200.</summary>
    public static async Task<UploadResponse> GetUploadAsync(this SiloProcess silo, string uploadId, CancellationToken cancellationToken = default)
    {
        using var response = await silo.Client.GetAsync(UploadPath(uploadId), cancellationToken);
        return await silo.ReadJsonAsync<UploadResponse>(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary><c>POST /v1/uploads/{id}/complete</c>; expects 200.</summary>
    public static async Task<UploadResponse> CompleteUploadAsync(this SiloProcess silo, string uploadId, CancellationToken cancellationToken = default)
    {
        using var response = await silo.Client.PostAsync($"{UploadPath(uploadId)}/complete", content: null, cancellationToken);
        return await silo.ReadJsonAsync<UploadResponse>(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary><c>DELETE /v1/uploads/{id}</c>; expects 204.</summary>
    public static async Task AbortUploadAsync(this SiloProcess silo, string uploadId, CancellationToken cancellationToken = default)
    {
        using var response = await silo.Client.DeleteAsync(UploadPath(uploadId), cancellationToken);
        await silo.ExpectStatusAsync(response, HttpStatusCode.NoContent, cancellationToken);
    }

    /// <summary>Fails unless <paramref name="response"/> has status <paramref name="expected"/>.</summary>
    public static async Task ExpectStatusAsync(
        this SiloProcess silo,
        HttpResponseMessage response,
        HttpStatusCode expected,
        CancellationToken cancellationToken = default)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > MaxBodyInMessage)
            {
                body = body[..MaxBodyInMessage] + "…";
            }

            Assert.Fail(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} " +
                $"{response.Content.Headers.ContentType}, expected {(int)expected}: {body}{silo.DescribeOutput()}");
        }
    }

    /// <summary>Fails unless <paramref name="response"/> has status <paramref name="expected"/> and a JSON body; returns the body.</summary>
    public static async Task<T> ReadJsonAsync<T>(
        this SiloProcess silo,
        HttpResponseMessage response,
        HttpStatusCode expected,
        CancellationToken cancellationToken = default)
        where T : class
    {
        await silo.ExpectStatusAsync(response, expected, cancellationToken);
        var value = await response.Content.ReadFromJsonAsync<T>(s_json, cancellationToken);
        Assert.True(value is not null, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)expected} with a null body.");
        return value;
    }

    /// <summary>Fails unless <paramref name="response"/> is problem details with status <paramref name="expected"/>; returns them.</summary>
    public static async Task<ProblemResponse> ReadProblemAsync(
        this SiloProcess silo,
        HttpResponseMessage response,
        HttpStatusCode expected,
        CancellationToken cancellationToken = default)
    {
        await silo.ExpectStatusAsync(response, expected, cancellationToken);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemResponse>(s_json, cancellationToken);
        Assert.NotNull(problem);
        Assert.Equal((int)expected, problem.Status);
        return problem;
    }
}
