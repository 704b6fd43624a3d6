using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Uploads.Gateway.Tests.Infrastructure;

/// <summary>Raw tus 1.0.0 requests, one line each in a test, with <c>Tus-Resumable: 1.0.0</c> unless told otherwise.</summary>
internal static class TusClientExtensions
{
    public const string OffsetOctetStream = "application/offset+octet-stream";

    /// <summary>A tus request to <paramref name="path"/> with the version header and <paramref name="headers"/>.</summary>
    public static HttpRequestMessage TusRequest(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        foreach (var (name, value) in headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>POST /files/ declaring <paramref name="length"/> (or deferring it when null) with <paramref name="metadata"/>.</summary>
    public static Task<HttpResponseMessage> TusCreateAsync(this HttpClient client, long? length, string? metadata = null, params (string Name, string Value)[] headers)
    {
        var all = new List<(string, string)>(headers);
        all.Add(length is { } value ? ("Upload-Length", value.ToString(CultureInfo.InvariantCulture)) : ("Upload-Defer-Length", "1"));
        if (metadata is not null)
        {
            all.Add(("Upload-Metadata", metadata));
        }

        return client.SendAsync(TusRequest(HttpMethod.Post, "/files/", all.ToArray()));
    }

    /// <summary>Creates a tus upload, asserts the 201 and returns its path (<c>/files/{id}</c>).</summary>
    public static async Task<string> TusCreateOkAsync(this HttpClient client, long? length, string? metadata = null, params (string Name, string Value)[] headers)
    {
        using var response = await client.TusCreateAsync(length, metadata, headers);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return response.Headers.Location!.AbsolutePath;
    }

    /// <summary>Creates a final upload of <paramref name="partials"/>, asserts the 201 and returns its path.</summary>
    public static async Task<string> TusCreateFinalAsync(this HttpClient client, params string[] partials)
    {
        using var response = await client.SendAsync(TusRequest(HttpMethod.Post, "/files/", ("Upload-Concat", "final;" + string.Join(' ', partials))));
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return response.Headers.Location!.AbsolutePath;
    }

    /// <summary>PATCH <paramref name="path"/> at <paramref name="offset"/> with <paramref name="content"/>.</summary>
    public static Task<HttpResponseMessage> TusPatchAsync(this HttpClient client, string path, long offset, HttpContent content, params (string Name, string Value)[] headers)
    {
        var request = TusRequest(HttpMethod.Patch, path, [("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture)), .. headers]);
        content.Headers.ContentType ??= new MediaTypeHeaderValue(OffsetOctetStream);
        request.Content = content;
        return client.SendAsync(request);
    }

    /// <summary>PATCH <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    public static Task<HttpResponseMessage> TusPatchAsync(this HttpClient client, string path, long offset, byte[] bytes, params (string Name, string Value)[] headers) =>
        client.TusPatchAsync(path, offset, new ByteArrayContent(bytes), headers);

    /// <summary>PATCH and assert the 204; returns the new offset.</summary>
    public static async Task<long> TusPatchOkAsync(this HttpClient client, string path, long offset, byte[] bytes, params (string Name, string Value)[] headers)
    {
        using var response = await client.TusPatchAsync(path, offset, bytes, headers);
        await response.AssertStatusAsync(HttpStatusCode.NoContent);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>HEAD <paramref name="path"/>.</summary>
    public static Task<HttpResponseMessage> TusHeadAsync(this HttpClient client, string path) =>
        client.SendAsync(TusRequest(HttpMethod.Head, path));

    /// <summary>HEAD, assert the 200 and return <c>Upload-Offset</c>.</summary>
    public static async Task<long> TusOffsetAsync(this HttpClient client, string path)
    {
        using var response = await client.TusHeadAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>The single value of a response header, or null.</summary>
    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    /// <summary><c>Upload-Metadata</c> of the pairs given, each value base64 of its UTF-8.</summary>
    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(',', pairs.Select(p => $"{p.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))}"));

    /// <summary>The upload id of a tus path.</summary>
    public static string IdOf(string path) => path[(path.LastIndexOf('/') + 1)..];
}
