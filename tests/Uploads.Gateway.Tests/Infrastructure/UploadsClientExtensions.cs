using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Uploads.Gateway.Tests.Infrastructure;

/// <summary>The calls of API.md, one line each in a test.</summary>
internal static class UploadsClientExtensions
{
    public const int MinChunkSize = 64 * 1024;

    /// <summary>POST /v1/uploads with <paramref name="request"/> serialized as camelCase JSON.</summary>
    public static Task<HttpResponseMessage> PostCreateAsync(this HttpClient client, object request) =>
        client.PostAsync("/v1/uploads", JsonContent.Create(request));

    /// <summary>POST /v1/uploads with a raw body.</summary>
    public static Task<HttpResponseMessage> PostCreateAsync(this HttpClient client, string json) =>
        client.PostAsync("/v1/uploads", new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Creates an upload and asserts the 201.</summary>
    public static async Task<JsonElement> CreateUploadAsync(this HttpClient client, object request)
    {
        using var response = await client.PostCreateAsync(request);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    /// <summary>Creates an upload of <paramref name="size"/> bytes in chunks of <paramref name="chunkSize"/> and returns its id.</summary>
    public static async Task<string> CreateUploadAsync(this HttpClient client, long size, int chunkSize = MinChunkSize, string fileName = "file.bin")
    {
        var upload = await client.CreateUploadAsync(new { fileName, size, chunkSize });
        return upload.GetProperty("uploadId").GetString()!;
    }

    /// <summary>PUT one chunk; <paramref name="headers"/> adds integrity headers.</summary>
    public static Task<HttpResponseMessage> PutChunkAsync(this HttpClient client, string uploadId, string index, HttpContent content, Action<HttpContentHeaders>? headers = null)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        headers?.Invoke(content.Headers);
        return client.PutAsync($"/v1/uploads/{uploadId}/chunks/{index}", content);
    }

    /// <summary>PUT one chunk of <paramref name="bytes"/> with its Content-Length.</summary>
    public static Task<HttpResponseMessage> PutChunkAsync(this HttpClient client, string uploadId, int index, byte[] bytes, Action<HttpContentHeaders>? headers = null) =>
        client.PutChunkAsync(uploadId, index.ToString(System.Globalization.CultureInfo.InvariantCulture), new ByteArrayContent(bytes), headers);

    /// <summary>PUT one chunk and assert the 200.</summary>
    public static async Task<JsonElement> PutChunkOkAsync(this HttpClient client, string uploadId, int index, byte[] bytes, Action<HttpContentHeaders>? headers = null)
    {
        using var response = await client.PutChunkAsync(uploadId, index, bytes, headers);
        return await response.ReadJsonAsync();
    }

    /// <summary>PUT every chunk of <paramref name="file"/>, in index order.</summary>
    public static async Task PutAllChunksAsync(this HttpClient client, string uploadId, byte[] file, int chunkSize = MinChunkSize)
    {
        var chunks = TestPayload.Chunks(file, chunkSize);
        for (var i = 0; i < chunks.Count; i++)
        {
            await client.PutChunkOkAsync(uploadId, i, chunks[i]);
        }
    }

    /// <summary>GET the upload and assert the 200.</summary>
    public static async Task<JsonElement> GetUploadAsync(this HttpClient client, string uploadId)
    {
        using var response = await client.GetAsync($"/v1/uploads/{uploadId}");
        return await response.ReadJsonAsync();
    }

    /// <summary>POST complete.</summary>
    public static Task<HttpResponseMessage> PostCompleteAsync(this HttpClient client, string uploadId) =>
        client.PostAsync($"/v1/uploads/{uploadId}/complete", content: null);

    /// <summary>POST complete and assert the 200.</summary>
    public static async Task<JsonElement> CompleteAsync(this HttpClient client, string uploadId)
    {
        using var response = await client.PostCompleteAsync(uploadId);
        return await response.ReadJsonAsync();
    }

    /// <summary>Creates, fills and completes an upload of <paramref name="file"/>; returns the completed resource.</summary>
    public static async Task<JsonElement> UploadFileAsync(
        this HttpClient client, byte[] file, string fileName = "file.bin", string contentType = "application/octet-stream", IReadOnlyDictionary<string, string>? metadata = null)
    {
        var upload = await client.CreateUploadAsync(new { fileName, size = file.Length, chunkSize = MinChunkSize, contentType, metadata });
        var uploadId = upload.GetProperty("uploadId").GetString()!;
        await client.PutAllChunksAsync(uploadId, file);
        return await client.CompleteAsync(uploadId);
    }

    /// <summary>The ranges of indices as API.md writes them, e.g. <c>[[0,1],[3,3]]</c>.</summary>
    public static string Ranges(JsonElement ranges) => ranges.GetRawText().Replace(" ", "", StringComparison.Ordinal);
}
