using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Uploads.Abstractions;
using Uploads.Gateway.Authentication;
using Uploads.Gateway.Problems;
using Uploads.Gateway.RateLimiting;
using Uploads.Gateway.Tenancy;
using Uploads.Grains;
using Uploads.Storage;

namespace Uploads.Gateway.Apis;

/// <summary>
/// The v1 upload API (API.md). Handlers parse and validate, then ask the upload's grain; chunk bytes go straight
/// from the request into the block store, hashed on the way, and only the commit reaches the grain.
/// Refusals of the grain surface as <see cref="UploadException"/> and become problem details in
/// <see cref="UploadsExceptionHandler"/>.
/// </summary>
public static class UploadsApi
{
    private const int MaxCreateBodyBytes = 64 * 1024;
    private const int MaxMetadataPairs = 32;
    private const int MaxMetadataBytes = 8 * 1024;
    private const int MaxFileNameLength = 255;
    private const int DefaultListLimit = 100;
    private const int MaxListLimit = 1000;
    private const string DefaultContentType = "application/octet-stream";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapUploadsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/uploads")
            .WithTags("Uploads")
            .RequireAuthorization(UploadsAuthenticationDefaults.TenantPolicy)
            .RequireRateLimiting(RateLimitingServiceCollectionExtensions.TenantPolicy);
        group.MapPost("/", CreateAsync).WithName("CreateUpload").Accepts<CreateUploadRequest>("application/json");
        group.MapGetAndHead("/", ListAsync).WithName("ListUploads");
        group.MapGetAndHead("/{id}", GetAsync).WithName("GetUpload");
        // A chunk is raw bytes whatever its Content-Type says (curl's --data-binary sends a form's): any media type is
        // accepted ("*/*"), so routing never answers 415 here.
        group.MapPut("/{id}/chunks/{index}", PutChunkAsync).WithName("PutChunk").Accepts<Stream>("application/octet-stream", "*/*");
        group.MapPost("/{id}/complete", CompleteAsync).WithName("CompleteUpload");
        group.MapDelete("/{id}", AbortAsync).WithName("AbortUpload");
        group.MapGetAndHead("/{id}/content", DownloadAsync).WithName("DownloadUpload");
        return group;
    }

    /// <summary>The path of an upload.</summary>
    public static string UploadPath(string uploadId) => $"/v1/uploads/{uploadId}";

    /// <summary>The path of a completed upload's content.</summary>
    public static string ContentPath(string uploadId) => $"{UploadPath(uploadId)}/content";

    private static async Task<Results<Created<UploadResource>, Ok<UploadResource>, ProblemHttpResult>> CreateAsync(
        HttpContext context,
        IGrainFactory grains,
        UploadLimiter limiter,
        TimeProvider timeProvider,
        IOptions<UploadOptions> options,
        CancellationToken cancellationToken)
    {
        LimitBody(context, MaxCreateBodyBytes);
        if (context.Request.ContentLength > MaxCreateBodyBytes)
        {
            return UploadErrors.Problem(UploadErrors.PayloadTooLarge, $"The body of a create is at most {MaxCreateBodyBytes} bytes.");
        }

        CreateUploadRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<CreateUploadRequest>(context.Request.Body, s_json, cancellationToken);
        }
        catch (JsonException exception)
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, $"The body is not a valid create request: {exception.Message}");
        }

        if (Validate(body) is { } invalid)
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, invalid);
        }

        var plan = ChunkPlan.For(body!.Size!.Value, body.ChunkSize, options.Value.Limits);
        var uploadId = body.UploadId ?? UploadIds.NewId(timeProvider);
        await limiter.ReserveAsync(context.GetTenant(), uploadId, cancellationToken);
        var command = new CreateUploadCommand(
            body.FileName!,
            body.ContentType ?? DefaultContentType,
            body.Size.Value,
            plan.ChunkSize,
            body.Metadata ?? []);
        var result = await Upload(grains, context, uploadId).CreateAsync(command, cancellationToken);
        var resource = UploadResource.From(result.Upload);
        return result.Created ? TypedResults.Created(UploadPath(uploadId), resource) : TypedResults.Ok(resource);
    }

    private static async Task<Results<Ok<UploadListResponse>, ProblemHttpResult>> ListAsync(
        HttpContext context,
        UploadCatalog catalog,
        string? state,
        string? limit,
        string? cursor,
        CancellationToken cancellationToken)
    {
        UploadState? stateFilter = null;
        if (state is not null)
        {
            if (!TryParseStateName(state, out var parsed))
            {
                return UploadErrors.Problem(UploadErrors.ValidationError, "state must be one of created, uploading, completing, completed, aborted, expired.");
            }

            stateFilter = parsed;
        }

        var pageSize = DefaultListLimit;
        if (limit is not null &&
            (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > MaxListLimit))
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, $"limit must be an integer from 1 to {MaxListLimit}.");
        }

        string? after = null;
        if (cursor is not null && !TryDecodeCursor(cursor, out after))
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, "cursor is not one this server issued.");
        }

        var page = await catalog.ListAsync(context.GetTenant(), stateFilter, after, pageSize, cancellationToken);
        return TypedResults.Ok(new UploadListResponse(
            page.Items.Select(UploadResource.From).ToArray(),
            page.NextAfter is null ? null : EncodeCursor(page.NextAfter)));
    }

    private static async Task<Results<Ok<UploadResource>, ProblemHttpResult>> GetAsync(
        string id,
        HttpContext context,
        IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return NoSuchUpload();
        }

        var upload = await Upload(grains, context, id).GetAsync(cancellationToken);
        return TypedResults.Ok(UploadResource.From(upload));
    }

    private static async Task<Results<Ok<UploadResource>, ProblemHttpResult>> PutChunkAsync(
        string id,
        string index,
        HttpContext context,
        IGrainFactory grains,
        IBlockStore blocks,
        IOptions<UploadOptions> options,
        CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return NoSuchUpload();
        }

        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var chunkIndex))
        {
            return UploadErrors.Problem(UploadErrors.InvalidChunk, $"'{index}' is not a chunk index: use a non-negative integer.");
        }

        if (context.Request.ContentLength is not { } length)
        {
            return UploadErrors.Problem(UploadErrors.LengthRequired, "A chunk needs a Content-Length.");
        }

        var maxChunkSize = options.Value.Limits.MaxChunkSize;
        if (length > maxChunkSize)
        {
            return UploadErrors.Problem(UploadErrors.PayloadTooLarge, $"A chunk is at most {maxChunkSize} bytes.");
        }

        if (!ChunkDigests.TryParse(context.Request, out var declared, out var digestError))
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, digestError);
        }

        LimitBody(context, maxChunkSize);
        var upload = Upload(grains, context, id);
        var target = await upload.BeginChunkAsync(chunkIndex, length, cancellationToken);

        byte[] sha256;
        await using (var body = new HashingReadStream(context.Request.Body, md5: declared.Md5 is not null))
        {
            await blocks.StageBlockAsync(target.BlobName, target.BlockId, body, length, declared.Md5, cancellationToken);
            sha256 = body.GetSha256();
            if ((declared.Sha256 is not null && !CryptographicOperations.FixedTimeEquals(declared.Sha256, sha256)) ||
                (declared.Md5 is not null && !CryptographicOperations.FixedTimeEquals(declared.Md5, body.GetMd5())))
            {
                // The staged block is never committed: any earlier copy of the chunk stays in place.
                return UploadErrors.Problem(UploadErrors.DigestMismatch, $"Chunk {chunkIndex} does not match the digest sent with it.");
            }
        }

        var result = await upload.CommitChunkAsync(new ChunkCommit(chunkIndex, target.BlockId, length, sha256), cancellationToken);
        return TypedResults.Ok(UploadResource.From(result.Upload) with
        {
            Chunk = new ChunkReceipt(chunkIndex, length, Convert.ToBase64String(sha256), result.Replaced),
        });
    }

    private static async Task<Results<Ok<UploadResource>, ProblemHttpResult>> CompleteAsync(
        string id,
        HttpContext context,
        IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return NoSuchUpload();
        }

        var upload = await Upload(grains, context, id).CompleteAsync(cancellationToken);
        return TypedResults.Ok(UploadResource.From(upload));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> AbortAsync(
        string id,
        HttpContext context,
        IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return NoSuchUpload();
        }

        await Upload(grains, context, id).AbortAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<UploadContentResult, ProblemHttpResult>> DownloadAsync(
        string id,
        HttpContext context,
        IGrainFactory grains,
        IBlockStore blocks,
        CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return NoSuchUpload();
        }

        var upload = await Upload(grains, context, id).GetAsync(cancellationToken);
        return Content(upload, context, blocks);
    }

    /// <summary>Serves a completed upload's content, with ranges and validators (also <c>GET /files/{id}</c>); 409 for any other.</summary>
    internal static Results<UploadContentResult, ProblemHttpResult> Content(UploadSnapshot upload, HttpContext context, IBlockStore blocks)
    {
        if (upload is not { State: UploadState.Completed, Result: { } result })
        {
            return UploadErrors.Problem(UploadErrors.InvalidState, $"The upload is {UploadResource.StateName(upload.State)}; only a completed upload can be downloaded.");
        }

        // The store's reads open lazily where range processing seeks to, so a Range request reads only its range.
        var content = new BlobReadStream(blocks, upload.BlobName, result.Size);
        return UploadContentResult.For(context, content, upload.ContentType, upload.FileName, result.CompletedAt, $"\"{result.ETag}\"");
    }

    /// <summary>The grain of upload <paramref name="uploadId"/> of the request's tenant.</summary>
    internal static IUploadGrain Upload(IGrainFactory grains, HttpContext context, string uploadId) =>
        new RetryingUploadGrain(grains.GetGrain<IUploadGrain>(UploadKeys.GrainKey(context.GetTenant(), uploadId)));

    /// <summary>The answer for an id that names no upload of the tenant.</summary>
    internal static ProblemHttpResult NoSuchUpload() => UploadErrors.Problem(UploadErrors.NotFound, "No such upload.");

    private static void LimitBody(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }
    }

    private static string? Validate(CreateUploadRequest? body)
    {
        if (body is null)
        {
            return "The body must be a JSON object.";
        }

        if (body.FileName is null || ValidateFileName(body.FileName) is not null)
        {
            return $"fileName is required: 1 to {MaxFileNameLength} characters, no control characters.";
        }

        if (body.Size is null)
        {
            return "size is required.";
        }

        if (body.ContentType is not null && !IsValidContentType(body.ContentType))
        {
            return "contentType must be a media type such as video/mp4.";
        }

        if (body.UploadId is not null && !UploadIds.IsValid(body.UploadId))
        {
            return $"uploadId must match [A-Za-z0-9._-]{{1,{UploadIds.MaxLength}}} and not be '.' or '..'.";
        }

        return body.Metadata is { } metadata ? ValidateMetadata(metadata) : null;
    }

    /// <summary>What is wrong with a file name, or <see langword="null"/> when it is valid.</summary>
    internal static string? ValidateFileName(string fileName) =>
        fileName.Length == 0 || fileName.Length > MaxFileNameLength || fileName.Any(char.IsControl)
            ? $"a file name has 1 to {MaxFileNameLength} characters, no control characters."
            : null;

    /// <summary>
    /// Whether a content type is one an upload may be served with: a media type that is a header value as it stands,
    /// printable ASCII on one line (a folded line or a non-ASCII parameter could not be sent back in Content-Type).
    /// </summary>
    internal static bool IsValidContentType(string contentType) =>
        contentType.Length <= MaxFileNameLength && contentType.All(c => c is >= ' ' and <= '~') && MediaTypeHeaderValue.TryParse(contentType, out _);

    /// <summary>
    /// Whether a metadata name can travel in tus's <c>Upload-Metadata</c>, as every upload's metadata may: printable
    /// ASCII without spaces or commas. (Values are sent base64-encoded, so any text will do.)
    /// </summary>
    internal static bool IsValidMetadataName(string name) => name.Length > 0 && name.All(c => c is > ' ' and <= '~' and not ',');

    /// <summary>What is wrong with an upload's metadata, or <see langword="null"/> when it is within the limits.</summary>
    internal static string? ValidateMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.Count > MaxMetadataPairs)
        {
            return $"metadata holds at most {MaxMetadataPairs} pairs.";
        }

        if (metadata.Any(pair => !IsValidMetadataName(pair.Key) || pair.Value is null))
        {
            return "metadata names are printable ASCII without spaces or commas (such as project-id), and values are strings.";
        }

        if (metadata.Sum(pair => Encoding.UTF8.GetByteCount(pair.Key) + Encoding.UTF8.GetByteCount(pair.Value)) > MaxMetadataBytes)
        {
            return $"metadata holds at most {MaxMetadataBytes} bytes of names and values.";
        }

        return null;
    }

    private static bool TryParseStateName(string name, out UploadState state)
    {
        foreach (var candidate in Enum.GetValues<UploadState>())
        {
            if (UploadResource.StateName(candidate) == name)
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }

    private static string EncodeCursor(string after) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes("v1:" + after));

    private static bool TryDecodeCursor(string cursor, out string? after)
    {
        after = null;
        try
        {
            var text = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("v1:", StringComparison.Ordinal) && UploadIds.IsValid(text[3..]))
            {
                after = text[3..];
                return true;
            }
        }
        catch (FormatException)
        {
            // Not base64url: not a cursor of ours.
        }

        return false;
    }
}
