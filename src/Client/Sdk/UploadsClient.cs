using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Uploads.Client.Http;
using Uploads.Client.Serialization;
using Uploads.Client.Transfers;

namespace Uploads.Client;

/// <summary>
/// A client of the Uploads HTTP API, version 1 (API.md): every endpoint with typed results, and
/// <see cref="UploadFileAsync"/>, which uploads a file in parallel chunks, resumes it after a failure or in a later
/// process, and verifies the result end to end.
/// </summary>
/// <remarks>
/// Thread-safe: one instance serves any number of concurrent calls and, like the <see cref="HttpClient"/> under it,
/// should live as long as the application. Requests that may succeed on a retry are retried
/// (<see cref="UploadsRetryOptions"/>); every other failure is an <see cref="UploadsException"/>.
/// </remarks>
public sealed class UploadsClient : IDisposable
{
    private const string ApiPath = "v1/uploads";

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;

    /// <summary>A client of the server at <paramref name="endpoint"/> (<c>http://localhost:5000</c>, say), with its own connections.</summary>
    public UploadsClient(Uri endpoint, UploadsClientOptions? options = null)
        : this(CreateHttpClient(endpoint), ownsHttpClient: true, options)
    {
    }

    /// <summary>
    /// A client over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the server; for
    /// clients from <c>IHttpClientFactory</c> or with handlers of their own. The caller keeps ownership of it; note
    /// that its <see cref="HttpClient.Timeout"/> applies to every attempt in addition to the network timeout.
    /// </summary>
    public UploadsClient(HttpClient httpClient, UploadsClientOptions? options = null)
        : this(httpClient, ownsHttpClient: false, options)
    {
    }

    private UploadsClient(HttpClient httpClient, bool ownsHttpClient, UploadsClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= new UploadsClientOptions();
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        Endpoint = NormalizeEndpoint(httpClient.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress: the server's address.", nameof(httpClient)));
        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        TimeProvider = options.TimeProvider;
        Sender = new RequestSender(httpClient, new RetryPolicy(options.Retry), options.BearerToken, options.TimeProvider);
        ResumeStore = new UploadResumeStore(options.ResumeDirectory ?? UploadResumeStore.DefaultDirectory);
    }

    /// <summary>The server's address, ending in '/'.</summary>
    public Uri Endpoint { get; }

    /// <summary>Where <see cref="UploadFileAsync"/> keeps its resume records (<see cref="UploadsClientOptions.ResumeDirectory"/>).</summary>
    public UploadResumeStore ResumeStore { get; }

    internal TimeProvider TimeProvider { get; }

    internal RequestSender Sender { get; }

    /// <summary>
    /// Creates an upload (<c>POST /v1/uploads</c>). Without <see cref="CreateUploadOptions.UploadId"/> the client
    /// chooses one first, which makes the create safe to retry.
    /// </summary>
    /// <returns>The new upload, or the existing one of the same id and parameters.</returns>
    public Task<UploadResource> CreateUploadAsync(CreateUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var body = new CreateUploadBody(
            options.FileName,
            options.Size,
            options.ContentType,
            options.ChunkSize,
            options.Metadata,
            options.UploadId ?? UploadIds.NewId(TimeProvider));
        return SendForResourceAsync(
            _ => new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, ApiPath))
            {
                Content = JsonContent.Create(body, UploadsJsonContext.Default.CreateUploadBody),
            },
            cancellationToken);
    }

    /// <summary>Gets an upload's status (<c>GET /v1/uploads/{id}</c>): what the server holds, and so what is left to send.</summary>
    public Task<UploadResource> GetUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        var uri = UploadUri(uploadId);
        return SendForResourceAsync(_ => new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken);
    }

    /// <summary>
    /// Uploads or replaces chunk <paramref name="index"/> (<c>PUT /v1/uploads/{id}/chunks/{index}</c>) with a
    /// <c>Content-Digest</c>, so damaged bytes are refused. A successful answer means the chunk is durable.
    /// </summary>
    /// <returns>The upload, with <see cref="UploadResource.Chunk"/> describing the stored chunk.</returns>
    public Task<UploadResource> UploadChunkAsync(string uploadId, int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var digest = System.Security.Cryptography.SHA256.HashData(content.Span);
        return PutChunkAsync(uploadId, index, content, digest, onWritten: null, onRetry: null, cancellationToken);
    }

    /// <summary>
    /// Completes an upload (<c>POST /v1/uploads/{id}/complete</c>): commits its chunks into one blob. Idempotent.
    /// With chunks missing it fails with <see cref="UploadsErrorCodes.UploadIncomplete"/> and
    /// <see cref="UploadsException.MissingChunks"/>.
    /// </summary>
    public Task<UploadResource> CompleteUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(UploadUri(uploadId) + "/complete");
        return SendForResourceAsync(_ => new HttpRequestMessage(HttpMethod.Post, uri), cancellationToken);
    }

    /// <summary>Aborts an upload and releases its bytes (<c>DELETE /v1/uploads/{id}</c>). Idempotent; a completed upload cannot be aborted.</summary>
    public Task AbortUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        var uri = UploadUri(uploadId);
        return Sender.SendAsync(
            _ => new HttpRequestMessage(HttpMethod.Delete, uri),
            (_, _) => Task.FromResult(true),
            disposeResponse: true,
            onRetry: null,
            cancellationToken);
    }

    /// <summary>Gets one page of the caller's uploads (<c>GET /v1/uploads</c>).</summary>
    /// <param name="state">Only uploads in this state; null for all.</param>
    /// <param name="limit">The page size, 1 to 1,000; null for the server's default (100).</param>
    /// <param name="cursor">The <see cref="UploadListPage.NextCursor"/> of the previous page; null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<UploadListPage> GetUploadsPageAsync(UploadState? state = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (state is { } filter)
        {
            query.Add("state=" + Uri.EscapeDataString(filter.ToString()));
        }

        if (limit is { } size)
        {
            query.Add("limit=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (cursor is not null)
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        var uri = new Uri(Endpoint, ApiPath + (query.Count == 0 ? "" : "?" + string.Join('&', query)));
        return Sender.SendAsync(
            _ => new HttpRequestMessage(HttpMethod.Get, uri),
            (response, attempt) => ReadJsonAsync(response, UploadsJsonContext.Default.UploadListPage, attempt.Token),
            disposeResponse: true,
            onRetry: null,
            cancellationToken);
    }

    /// <summary>Every upload of the caller, page by page as it is enumerated.</summary>
    /// <param name="state">Only uploads in this state; null for all.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<UploadResource> GetUploadsAsync(UploadState? state = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await GetUploadsPageAsync(state, limit: null, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var upload in page.Items)
            {
                yield return upload;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>
    /// Opens the content of a completed upload as a stream (<c>GET /v1/uploads/{id}/content</c>), from
    /// <paramref name="offset"/> on (a <c>Range</c> request). Only opening is retried, not reading.
    /// </summary>
    public Task<UploadContent> DownloadStreamingAsync(string uploadId, long offset = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var uri = ContentUri(uploadId);
        return Sender.SendAsync(
            _ =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (offset > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(offset, null);
                }

                return request;
            },
            async (response, attempt) => new UploadContent(response, await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false)),
            disposeResponse: false,
            onRetry: null,
            cancellationToken);
    }

    /// <summary>
    /// Downloads a completed upload's content into <paramref name="destination"/>, continuing where a broken
    /// connection stopped, and checks what arrived against the upload's <c>chunksSha256</c>
    /// (<see cref="UploadsErrorCodes.VerificationFailed"/> if it differs).
    /// </summary>
    /// <returns>The upload whose content was written.</returns>
    public Task<UploadResource> DownloadToAsync(string uploadId, Stream destination, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return new ContentDownloader(this, uploadId, progress).DownloadToAsync(destination, cancellationToken);
    }

    /// <summary>
    /// Downloads a completed upload's content into the file <paramref name="path"/>, as <see cref="DownloadToAsync"/>
    /// does. The bytes go to <c>{path}.part</c> first, which replaces <paramref name="path"/> only once verified.
    /// </summary>
    public async Task<UploadResource> DownloadToFileAsync(string uploadId, string path, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var partial = path + ".part";
        var verified = false;
        try
        {
            UploadResource upload;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                upload = await DownloadToAsync(uploadId, file, progress, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, path, overwrite: true);
            verified = true;
            return upload;
        }
        finally
        {
            if (!verified)
            {
                File.Delete(partial);
            }
        }
    }

    /// <summary>
    /// Uploads the file at <paramref name="path"/>: resumes its earlier upload to this server if there is one for the
    /// same file (same size and last-write time), else creates one; sends the chunks the server lacks, in parallel,
    /// with retries; completes it; and checks the server's <c>chunksSha256</c> against the file's.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to upload it; null for the defaults.</param>
    /// <param name="progress">Receives <see cref="UploadProgress"/> reports; null for none.</param>
    /// <param name="cancellationToken">
    /// Pauses the upload: chunks in flight are abandoned, acknowledged ones stay on the server, and the resume record
    /// stays, so the next call for the same file sends only what is missing. The call then throws
    /// <see cref="OperationCanceledException"/>.
    /// </param>
    /// <returns>The completed, verified upload.</returns>
    /// <exception cref="UploadsException">The server refused, the network failed after every retry, or verification failed.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/>, say).</exception>
    public Task<UploadResource> UploadFileAsync(string path, UploadFileOptions? options = null, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new FileUploader(this, path, options ?? new UploadFileOptions(), progress).UploadAsync(cancellationToken);

    /// <summary>Disposes the <see cref="HttpClient"/> if this client made it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    internal Uri ContentUri(string uploadId) => new(UploadUri(uploadId) + "/content");

    /// <summary>The chunk upload that <see cref="UploadFileAsync"/> uses, with a digest already computed and progress callbacks.</summary>
    internal Task<UploadResource> PutChunkAsync(
        string uploadId,
        int index,
        ReadOnlyMemory<byte> content,
        ReadOnlyMemory<byte> sha256,
        Action<long, long>? onWritten,
        Action? onRetry,
        CancellationToken cancellationToken)
    {
        var uri = new Uri(UploadUri(uploadId) + "/chunks/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var digest = $"sha-256=:{Convert.ToBase64String(sha256.Span)}:";
        return SendForResourceAsync(
            attempt =>
            {
                var chunk = new ChunkContent(content, attempt, onWritten);
                chunk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                chunk.Headers.Add("Content-Digest", digest);
                return new HttpRequestMessage(HttpMethod.Put, uri) { Content = chunk };
            },
            cancellationToken,
            onRetry);
    }

    private Task<UploadResource> SendForResourceAsync(Func<RequestAttempt, HttpRequestMessage> createRequest, CancellationToken cancellationToken, Action? onRetry = null) =>
        Sender.SendAsync(
            createRequest,
            (response, attempt) => ReadJsonAsync(response, UploadsJsonContext.Default.UploadResource, attempt.Token),
            disposeResponse: true,
            onRetry,
            cancellationToken);

    private Uri UploadUri(string uploadId)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        return new Uri(Endpoint, ApiPath + "/" + Uri.EscapeDataString(uploadId));
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("The body is null.");
        }
        catch (JsonException exception)
        {
            throw new UploadsException(
                (int)response.StatusCode,
                UploadsErrorCodes.InvalidResponse,
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode} with a body that is not a {typeof(T).Name}: {exception.Message}",
                exception);
        }
    }

    private static HttpClient CreateHttpClient(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{endpoint}' is not an absolute http or https address.", nameof(endpoint));
        }

        var handler = new SocketsHttpHandler
        {
            // Long-lived clients follow DNS changes; the attempt's network timeout bounds a connect that hangs.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };

        // Timeouts are per attempt and measured by progress (UploadsRetryOptions.NetworkTimeout), not per call.
        return new HttpClient(handler) { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
    }

    private static Uri NormalizeEndpoint(Uri endpoint) =>
        endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
}
