using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Speaks the Blob service REST API (Shared Key authorization, a pinned <c>x-ms-version</c>) to one storage account or
/// to Azurite, over one pooled <see cref="HttpClient"/>. Thread-safe; one instance serves both stores of a silo.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is retried with exponential backoff and jitter on 408, 429, 500, 502, 503 and 504, on dropped
/// connections and on timeouts, up to <see cref="AzureBlobStorageOptions.MaxRetries"/> times; then it fails with
/// <see cref="StorageException"/> and <see cref="StorageErrorCode.Unavailable"/>. Each attempt is signed anew (the
/// date is part of the signature) and has its own timeout.
/// </para>
/// <para>
/// A block's body is the caller's stream, streamed and never buffered. Once bytes of it were sent it can only be sent
/// again if the stream seeks back; otherwise the failure is reported at once and the caller sends the chunk again.
/// </para>
/// <para>
/// A conditional write whose first attempt may have reached the service (the connection dropped, or it timed out)
/// and whose retry then meets its own result as a conflict, recognises that result by a write id it stores in the
/// blob's metadata, so it reports the success it had instead of a conflict.
/// </para>
/// </remarks>
public sealed partial class AzureBlobClient : IDisposable
{
    /// <summary>
    /// The Blob service version every request asks for: the first with <c>startFrom</c> on List Blobs, served by Azure
    /// and by Azurite 3.37 (whose tests run without <c>--skipApiVersionCheck</c>, so they fail if it stops accepting it).
    /// </summary>
    internal const string ApiVersion = "2026-02-06";

    private const string WriteIdMetadataName = "writeid";
    private const string MetadataPrefix = "x-ms-meta-";

    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(5);

    // Connections are renewed now and then so that a change of the endpoint's address (a failover) is picked up.
    private static readonly TimeSpan s_pooledConnectionLifetime = TimeSpan.FromMinutes(5);

    // Long enough for the service to read one block of the largest size, however slowly.
    private static readonly TimeSpan s_sourceSasLifetime = TimeSpan.FromMinutes(30);

    private static readonly MediaTypeHeaderValue s_xmlContentType = new("application/xml") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly SharedKeyCredential _credential;
    private readonly ServiceSasSigner _sasSigner;
    private readonly string _endpoint;
    private readonly TimeSpan _requestTimeout;
    private readonly int _maxRetries;
    private readonly TimeSpan _retryBaseDelay;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AzureBlobClient> _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _containers = new(StringComparer.Ordinal);

    /// <summary>Makes a client for the account that <see cref="AzureBlobStorageOptions.ConnectionString"/> names.</summary>
    /// <exception cref="ArgumentException">When the connection string cannot be used; the message says why without quoting it.</exception>
    public AzureBlobClient(AzureBlobStorageOptions options, TimeProvider timeProvider, ILogger<AzureBlobClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (!AzureStorageConnectionString.TryParse(options.ConnectionString, out var connection, out var error))
        {
            throw new ArgumentException($"{error} Set {StorageOptions.SectionName}:AzureBlob:ConnectionString.", nameof(options));
        }

        _credential = new SharedKeyCredential(connection.AccountName, connection.AccountKey);
        _sasSigner = new ServiceSasSigner(connection.AccountName, connection.AccountKey);
        BlobEndpoint = connection.BlobEndpoint;
        _endpoint = connection.BlobEndpoint.AbsoluteUri.TrimEnd('/');
        _requestTimeout = options.RequestTimeout;
        _maxRetries = options.MaxRetries;
        _retryBaseDelay = options.RetryBaseDelay;
        _timeProvider = timeProvider;
        _logger = logger;

        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = s_pooledConnectionLifetime,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
        };

        // Timeouts are per attempt (see SendAsync), not per call to HttpClient.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The Blob service endpoint requests go to, for example <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>The storage account's name.</summary>
    public string AccountName => _credential.AccountName;

    /// <summary>Closes the pooled connections. Operations in flight fail.</summary>
    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Creates <paramref name="container"/> unless it exists, once per client: later calls return at once. A failed
    /// creation is tried again by the next call.
    /// </summary>
    internal Task EnsureContainerExistsAsync(string container, CancellationToken cancellationToken)
    {
        var creation = _containers.GetOrAdd(container, name => new Lazy<Task>(() => CreateContainerIfNotExistsAsync(name, CancellationToken.None)));
        return creation.Value.IsCompletedSuccessfully ? Task.CompletedTask : AwaitCreationAsync(container, creation, cancellationToken);
    }

    /// <summary>Put Block. Returns false, having staged nothing, when the content did not match <paramref name="contentMd5"/>.</summary>
    internal async Task<bool> PutBlockAsync(string container, string blobName, string blockId, Stream content, long length, byte[]? contentMd5, CancellationToken cancellationToken)
    {
        var body = new BlockBody(content, length, contentMd5);
        var request = new BlobRequest("Put Block", HttpMethod.Put, $"{container}/{blobName}")
        {
            Query = $"comp=block&blockid={Uri.EscapeDataString(BlobXml.EncodeBlockId(blockId))}",
            Body = body,
            Content = progress =>
            {
                var upload = new BlockUploadContent(body, progress);
                upload.Headers.ContentMD5 = contentMd5;
                return upload;
            },
        };

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return false;
        }

        return response.Status switch
        {
            HttpStatusCode.Created => true,

            // The bytes matched the declared MD5 here (BlockBody checked them), so they changed on the way.
            HttpStatusCode.BadRequest when response.ErrorCode == "Md5Mismatch" =>
                throw new StorageException(StorageErrorCode.Unavailable, $"The block '{blockId}' of blob '{blobName}' reached the service altered (Md5Mismatch); send it again."),
            _ => throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// Put Block From URL: stages a block from a range of another blob of the account, read by the service itself with a
    /// short-lived read-only SAS, so the bytes never pass through this process.
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.NotFound"/> when the source blob is not committed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When the range is not inside the source blob.</exception>
    internal async Task PutBlockFromBlobAsync(string container, string blobName, string blockId, string sourceBlobName, long sourceOffset, long length, CancellationToken cancellationToken)
    {
        var sas = _sasSigner.CreateBlobReadSas(container, sourceBlobName, _timeProvider.GetUtcNow(), s_sourceSasLifetime);
        var source = $"{_endpoint}/{container}/{sourceBlobName}?{sas}";
        var request = new BlobRequest("Put Block From URL", HttpMethod.Put, $"{container}/{blobName}")
        {
            Query = $"comp=block&blockid={Uri.EscapeDataString(BlobXml.EncodeBlockId(blockId))}",
            Content = _ => new ByteArrayContent([]),
            Headers = headers =>
            {
                headers.TryAddWithoutValidation("x-ms-copy-source", source);
                headers.TryAddWithoutValidation("x-ms-source-range", $"bytes={sourceOffset}-{sourceOffset + length - 1}");
            },
        };

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        switch (response!.Status)
        {
            case HttpStatusCode.Created:
                return;
            case HttpStatusCode.NotFound when response.ErrorCode != "ContainerNotFound":
                throw new StorageException(StorageErrorCode.NotFound, $"The source blob '{sourceBlobName}' is not committed.");
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                throw new ArgumentOutOfRangeException(nameof(length), length, $"The source blob '{sourceBlobName}' has no {length} bytes at offset {sourceOffset}.");
            default:
                throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Put Block List, create-only (<c>If-None-Match: *</c>). Returns false when the blob already exists, which is then
    /// left as it is.
    /// </summary>
    internal async Task<bool> PutBlockListAsync(string container, string blobName, IReadOnlyList<string> blockIds, BlobCommitOptions options, CancellationToken cancellationToken)
    {
        var xml = BlobXml.WriteBlockList(blockIds);
        var request = new BlobRequest("Put Block List", HttpMethod.Put, $"{container}/{blobName}")
        {
            Query = "comp=blocklist",
            Content = _ => new ByteArrayContent(xml) { Headers = { ContentType = s_xmlContentType } },
            Headers = headers =>
            {
                headers.TryAddWithoutValidation("If-None-Match", "*");
                headers.TryAddWithoutValidation("x-ms-blob-content-type", options.ContentType);
                foreach (var (name, value) in options.Metadata)
                {
                    headers.TryAddWithoutValidation(MetadataPrefix + name, value);
                }
            },
        };

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response!.Status switch
        {
            HttpStatusCode.Created => true,
            HttpStatusCode.PreconditionFailed => false,
            HttpStatusCode.Conflict when response.ErrorCode == "BlobAlreadyExists" => false,
            HttpStatusCode.BadRequest when response.ErrorCode == "InvalidBlockList" =>
                throw new StorageException(StorageErrorCode.InvalidBlockList, $"A block of the list committed to blob '{blobName}' is not staged; stage it before committing."),
            _ => throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Get Block List of the uncommitted blocks; none when the blob does not exist.</summary>
    internal async Task<List<StagedBlock>> GetUncommittedBlocksAsync(string container, string blobName, CancellationToken cancellationToken)
    {
        var request = new BlobRequest("Get Block List", HttpMethod.Get, $"{container}/{blobName}") { Query = "comp=blocklist&blocklisttype=uncommitted" };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response!.Status == HttpStatusCode.NotFound && response.ErrorCode == "BlobNotFound")
        {
            return [];
        }

        if (response.Status != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false);
        }

        await using var body = await response.Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await BlobXml.ReadUncommittedBlocksAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Get Blob Properties, or null when the blob is not committed.</summary>
    internal async Task<BlobProperties?> GetPropertiesAsync(string container, string blobName, CancellationToken cancellationToken)
    {
        // Not buffered: a HEAD answer has no body, and its Content-Length is the blob's.
        var request = new BlobRequest("Get Blob Properties", HttpMethod.Head, $"{container}/{blobName}") { BufferResponse = false };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response!.Status switch
        {
            HttpStatusCode.OK => ReadProperties(response.Message),
            HttpStatusCode.NotFound when response.ErrorCode != "ContainerNotFound" => null,
            _ => throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Get Blob of <paramref name="length"/> (at least 1) bytes from <paramref name="offset"/>, streamed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the range is not inside the blob.</exception>
    internal async Task<Stream> GetBlobRangeAsync(string container, string blobName, long offset, long length, CancellationToken cancellationToken)
    {
        var request = new BlobRequest("Get Blob", HttpMethod.Get, $"{container}/{blobName}")
        {
            Headers = headers => headers.TryAddWithoutValidation("x-ms-range", $"bytes={offset}-{offset + length - 1}"),
            BufferResponse = false,
        };

        var response = (await SendAsync(request, cancellationToken).ConfigureAwait(false))!;
        try
        {
            switch (response.Status)
            {
                case HttpStatusCode.PartialContent or HttpStatusCode.OK:
                    var range = response.Message.Content.Headers.ContentRange;
                    var from = range?.From ?? 0;
                    var available = range is { To: { } to, From: { } start } ? to - start + 1 : response.Message.Content.Headers.ContentLength ?? 0;
                    if (from != offset || available < length)
                    {
                        throw new ArgumentOutOfRangeException(nameof(length), length, $"The blob '{blobName}' has {range?.Length?.ToString(CultureInfo.InvariantCulture) ?? "fewer"} bytes; {length} from offset {offset} are not inside it.");
                    }

                    var inner = await response.Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    var stream = new BlobDownloadStream(response.Message, inner, blobName, length, _requestTimeout, _timeProvider);
                    response.DisownMessage();
                    return stream;
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset {offset} is not inside blob '{blobName}'.");
                case HttpStatusCode.NotFound when response.ErrorCode != "ContainerNotFound":
                    throw new StorageException(StorageErrorCode.NotFound, $"The blob '{blobName}' is not committed.");
                default:
                    throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            response.Dispose();
        }
    }

    /// <summary>Get Blob, whole, with its entity tag; null when the blob does not exist.</summary>
    internal async Task<StateEntry?> GetBlobContentAsync(string container, string blobName, CancellationToken cancellationToken)
    {
        var request = new BlobRequest("Get Blob", HttpMethod.Get, $"{container}/{blobName}");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response!.Status switch
        {
            HttpStatusCode.OK => new StateEntry(await response.Message.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), response.ETag),
            HttpStatusCode.NotFound when response.ErrorCode != "ContainerNotFound" => null,
            _ => throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// Put Blob of a block blob: create-only when <paramref name="etag"/> is null, else only over that version.
    /// Returns the new entity tag.
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Conflict"/> when the condition does not hold.</exception>
    internal async Task<string> PutBlobAsync(string container, string blobName, ReadOnlyMemory<byte> data, string? etag, CancellationToken cancellationToken)
    {
        var writeId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var md5 = MD5.HashData(data.Span);
        var request = new BlobRequest("Put Blob", HttpMethod.Put, $"{container}/{blobName}")
        {
            Content = _ => new ReadOnlyMemoryContent(data) { Headers = { ContentMD5 = md5 } },
            Headers = headers =>
            {
                headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
                headers.TryAddWithoutValidation(MetadataPrefix + WriteIdMetadataName, writeId);
                headers.TryAddWithoutValidation(etag is null ? "If-None-Match" : "If-Match", etag is null ? "*" : Quote(etag));
            },
        };

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        switch (response!.Status)
        {
            case HttpStatusCode.Created:
                return response.ETag;
            case HttpStatusCode.PreconditionFailed:
            case HttpStatusCode.Conflict when response.ErrorCode == "BlobAlreadyExists":
            case HttpStatusCode.NotFound when etag is not null && response.ErrorCode == "BlobNotFound":
                if (response.AfterUncertainAttempt
                    && await GetPropertiesAsync(container, blobName, cancellationToken).ConfigureAwait(false) is { } current
                    && current.Metadata.TryGetValue(WriteIdMetadataName, out var storedWriteId)
                    && storedWriteId == writeId)
                {
                    LogOwnWriteRecognised(blobName);
                    return current.ETag;
                }

                throw new StorageException(StorageErrorCode.Conflict, DescribeConflict(blobName, etag, response.Status));
            default:
                throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Delete Blob, only of version <paramref name="etag"/> when it is given. Returns whether the blob existed, and
    /// whether an earlier attempt may have deleted it already (so "not found" may be this call's own doing).
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Conflict"/> when the blob has another version.</exception>
    internal async Task<(bool Existed, bool AfterUncertainAttempt)> DeleteBlobAsync(string container, string blobName, string? etag, CancellationToken cancellationToken)
    {
        var request = new BlobRequest("Delete Blob", HttpMethod.Delete, $"{container}/{blobName}")
        {
            Headers = etag is null ? null : headers => headers.TryAddWithoutValidation("If-Match", Quote(etag)),
        };

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response!.Status switch
        {
            HttpStatusCode.Accepted => (true, response.AfterUncertainAttempt),
            HttpStatusCode.NotFound when response.ErrorCode == "BlobNotFound" => (false, response.AfterUncertainAttempt),
            HttpStatusCode.PreconditionFailed =>
                throw new StorageException(StorageErrorCode.Conflict, $"The record '{blobName}' has changed since it was read; read it again and retry."),
            _ => throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// One page of List Blobs: names under <paramref name="prefix"/>, from <paramref name="startFrom"/> (inclusive) when
    /// given, after the position <paramref name="marker"/> of a previous page.
    /// </summary>
    internal async Task<(List<string> Names, string? NextMarker)> ListBlobsAsync(
        string container, string prefix, string? startFrom, string? marker, int maxResults, CancellationToken cancellationToken)
    {
        var query = $"restype=container&comp=list&maxresults={maxResults.ToString(CultureInfo.InvariantCulture)}";
        if (prefix.Length > 0)
        {
            query += "&prefix=" + Uri.EscapeDataString(prefix);
        }

        if (startFrom is not null)
        {
            query += "&startFrom=" + Uri.EscapeDataString(startFrom);
        }

        if (marker is not null)
        {
            query += "&marker=" + Uri.EscapeDataString(marker);
        }

        var request = new BlobRequest("List Blobs", HttpMethod.Get, container) { Query = query };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response!.Status != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false);
        }

        await using var body = await response.Message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await BlobXml.ReadBlobListAsync(body, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken)
    {
        var request = new BlobRequest("Create Container", HttpMethod.Put, container)
        {
            Query = "restype=container",
            Content = _ => new ByteArrayContent([]),
        };

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        switch (response!.Status)
        {
            case HttpStatusCode.Created:
                LogContainerCreated(container, BlobEndpoint);
                return;
            case HttpStatusCode.Conflict when response.ErrorCode == "ContainerAlreadyExists":
                return;
            default:
                throw await UnexpectedAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AwaitCreationAsync(string container, Lazy<Task> creation, CancellationToken cancellationToken)
    {
        try
        {
            await creation.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException)
        {
            // Let the next caller try again rather than remember a failure of the moment.
            _containers.TryRemove(KeyValuePair.Create(container, creation));
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/>, retrying transient failures, and returns the first answer that is not one.
    /// Returns null only when a block's body was abandoned because it did not match its declared MD5.
    /// </summary>
    private async Task<BlobResponse?> SendAsync(BlobRequest request, CancellationToken cancellationToken)
    {
        var uri = new Uri(request.Query.Length == 0 ? $"{_endpoint}/{request.Resource}" : $"{_endpoint}/{request.Resource}?{request.Query}");
        var uncertain = false;
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            Exception? exception = null;
            using (var timeout = new CancellationTokenSource(_requestTimeout, _timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                HttpRequestMessage? message = new(request.Method, uri);
                HttpResponseMessage? response = null;
                try
                {
                    // A block's body restarts the timeout whenever a piece of it was taken, so a slow but moving upload lives on.
                    var attemptTimeout = timeout;
                    message.Content = request.Content?.Invoke(() => RestartTimeout(attemptTimeout));
                    message.Headers.TryAddWithoutValidation("x-ms-version", ApiVersion);
                    message.Headers.TryAddWithoutValidation("x-ms-client-request-id", Guid.NewGuid().ToString("D"));
                    request.Headers?.Invoke(message.Headers);
                    _credential.Sign(message, _timeProvider.GetUtcNow());

                    response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                    if (request.BufferResponse || !response.IsSuccessStatusCode)
                    {
                        await response.Content.LoadIntoBufferAsync(linked.Token).ConfigureAwait(false);
                    }

                    if (!IsTransient(response.StatusCode))
                    {
                        var answer = new BlobResponse(message, response, uncertain);
                        (message, response) = (null, null);
                        return answer;
                    }

                    failure = $"{(int)response.StatusCode} {ErrorCodeOf(response) ?? response.ReasonPhrase}";

                    // 429 and 503 say the request was refused; the others may come after it took effect.
                    uncertain |= response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable);
                }
                catch (Exception) when (request.Body?.ContentFailure is { } contentFailure)
                {
                    // The caller's stream failed (or was too short or too long): report that, not a storage failure.
                    ExceptionDispatchInfo.Throw(contentFailure);
                    throw;
                }
                catch (Exception) when (request.Body is { DeclaredMd5Mismatch: true } && !cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
                {
                    failure = timeout.IsCancellationRequested
                        ? $"no answer within {_requestTimeout.TotalSeconds:0.###} s"
                        : ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
                    exception = ex;
                    uncertain = true;
                }
                finally
                {
                    response?.Dispose();
                    message?.Dispose();
                }
            }

            if (attempt > _maxRetries || request.Body is { CanReplay: false })
            {
                LogGaveUp(request.Operation, request.Resource, attempt, failure);
                throw new StorageException(
                    StorageErrorCode.Unavailable,
                    $"{request.Operation} of '{request.Resource}' at {BlobEndpoint} failed after {attempt} attempt(s): {failure}.",
                    exception);
            }

            var delay = RetryDelay(attempt);
            LogRetrying(request.Operation, request.Resource, attempt, failure, delay.TotalMilliseconds);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RestartTimeout(CancellationTokenSource timeout)
    {
        try
        {
            timeout.CancelAfter(_requestTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The attempt is over (it failed while the handler still wrote the body); nothing is left to time out.
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var exponential = _retryBaseDelay.Ticks * (1L << Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, s_maxRetryDelay.Ticks);

        // Jitter, so that silos that failed together do not come back together.
        return TimeSpan.FromTicks((long)(capped * (0.5 + Random.Shared.NextDouble())));
    }

    private static bool IsTransient(HttpStatusCode status) => status is
        HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or
        HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static string? ErrorCodeOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.FirstOrDefault() : null;

    private static string Quote(string etag) => $"\"{etag}\"";

    private static BlobProperties ReadProperties(HttpResponseMessage response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > MetadataPrefix.Length)
            {
                metadata[name[MetadataPrefix.Length..]] = string.Join(",", values);
            }
        }

        var content = response.Content.Headers;
        return new BlobProperties(
            content.ContentLength ?? 0,
            response.Headers.ETag?.Tag.Trim('"') ?? "",
            content.ContentType?.ToString() ?? "",
            metadata,
            content.LastModified ?? DateTimeOffset.MinValue);
    }

    private static string DescribeConflict(string blobName, string? etag, HttpStatusCode status) => (etag, status) switch
    {
        (null, _) => $"The record '{blobName}' already exists; read it and write with its entity tag.",
        (_, HttpStatusCode.NotFound) => $"The record '{blobName}' does not exist any more; read it again.",
        _ => $"The record '{blobName}' has changed since it was read; read it again and retry.",
    };

    private async Task<StorageException> UnexpectedAsync(BlobRequest request, BlobResponse response, CancellationToken cancellationToken)
    {
        var status = (int)response.Status;
        var code = response.ErrorCode;
        var detail = BlobXml.ReadErrorMessage(await response.Message.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var hint = (response.Status, code) switch
        {
            (HttpStatusCode.Forbidden, _) => " Check the AccountName and AccountKey of the connection string, and the clock of this machine.",
            (HttpStatusCode.NotFound, "ContainerNotFound") => " The container was deleted after this silo created it; restart the silo to create it again.",
            _ => "",
        };
        LogUnexpectedAnswer(request.Operation, request.Resource, status, code);
        return new StorageException(
            StorageErrorCode.Unavailable,
            $"{request.Operation} of '{request.Resource}' at {BlobEndpoint} answered {status} {code}{(detail is null ? "" : ": " + detail)}.{hint}");
    }

    /// <summary>What one operation sends; a new message is made from it for every attempt.</summary>
    private sealed class BlobRequest
    {
        public BlobRequest(string operation, HttpMethod method, string resource)
        {
            Operation = operation;
            Method = method;
            Resource = resource;
        }

        public string Operation { get; }

        public HttpMethod Method { get; }

        /// <summary>"container" or "container/blob", names that need no escaping (see <see cref="StorageNames"/>).</summary>
        public string Resource { get; }

        /// <summary>The escaped query, without '?'.</summary>
        public string Query { get; init; } = "";

        public Action<HttpRequestHeaders>? Headers { get; init; }

        /// <summary>Makes the content of one attempt, given the callback that reports progress of its body.</summary>
        public Func<Action, HttpContent?>? Content { get; init; }

        /// <summary>A streamed block body: retried only while it can be replayed, its own failures never retried.</summary>
        public BlockBody? Body { get; init; }

        /// <summary>Whether the answer's body is read within the attempt (and so retried with it); false to stream it.</summary>
        public bool BufferResponse { get; init; } = true;
    }

    /// <summary>An answer that is not transient, with the request it answers.</summary>
    private sealed class BlobResponse : IDisposable
    {
        private readonly HttpRequestMessage _request;
        private HttpResponseMessage? _message;

        public BlobResponse(HttpRequestMessage request, HttpResponseMessage message, bool afterUncertainAttempt)
        {
            _request = request;
            _message = message;
            AfterUncertainAttempt = afterUncertainAttempt;
            ErrorCode = ErrorCodeOf(message);
        }

        public HttpResponseMessage Message => _message ?? throw new ObjectDisposedException(nameof(BlobResponse));

        public HttpStatusCode Status => Message.StatusCode;

        public string? ErrorCode { get; }

        /// <summary>The entity tag without quotes.</summary>
        public string ETag => Message.Headers.ETag?.Tag.Trim('"') ?? throw new StorageException(StorageErrorCode.Unavailable, "The service answered without an ETag.");

        /// <summary>Whether an earlier attempt failed in a way that leaves open whether the service carried it out.</summary>
        public bool AfterUncertainAttempt { get; }

        /// <summary>Hands the message over to whoever streams its body; disposing this no longer disposes it.</summary>
        public void DisownMessage() => _message = null;

        public void Dispose()
        {
            _message?.Dispose();
            _request.Dispose();
        }
    }
}
