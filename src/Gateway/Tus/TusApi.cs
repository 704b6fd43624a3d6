using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Uploads.Abstractions;
using Uploads.Gateway.Apis;
using Uploads.Gateway.Authentication;
using Uploads.Gateway.Problems;
using Uploads.Gateway.RateLimiting;
using Uploads.Gateway.Tenancy;
using Uploads.Grains;
using Uploads.Storage;

namespace Uploads.Gateway.Tus;

/// <summary>
/// The tus 1.0.0 resumable upload protocol at <c>/files/</c>, with the extensions of <see cref="TusHeaders.Extensions"/>.
/// A tus upload is an upload written by appends (<see cref="UploadWriteMode.Append"/>) on the same grains, with the
/// same ids, tenancy, limits and storage as the v1 API, where it is visible too.
/// </summary>
public static class TusApi
{
    /// <summary>The path the protocol is served at.</summary>
    public const string BasePath = "/files";

    private const string DefaultContentType = "application/octet-stream";

    public static RouteGroupBuilder MapTusApi(this IEndpointRouteBuilder routes)
    {
        // Discovery needs no credentials, as a browser's preflight has none.
        routes.MapMethods(BasePath, [HttpMethods.Options], Options).WithTags("tus").AllowAnonymous().DisableRateLimiting();
        routes.MapMethods($"{BasePath}/{{id}}", [HttpMethods.Options], Options).WithTags("tus").AllowAnonymous().DisableRateLimiting();

        var group = routes.MapGroup(BasePath)
            .WithTags("tus")
            .RequireAuthorization(UploadsAuthenticationDefaults.TenantPolicy)
            .RequireRateLimiting(RateLimitingServiceCollectionExtensions.TenantPolicy)
            .AddEndpointFilter(async (invocation, next) =>
            {
                var context = invocation.HttpContext;
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers[TusHeaders.Resumable] = TusHeaders.Version;
                    return Task.CompletedTask;
                });
                // A download is a plain GET any HTTP client makes; every request of the protocol itself names its version.
                if (!HttpMethods.IsGet(context.Request.Method) && context.Request.Headers[TusHeaders.Resumable] != TusHeaders.Version)
                {
                    context.Response.Headers[TusHeaders.TusVersion] = TusHeaders.Version;
                    return UploadErrors.Problem(UploadErrors.UnsupportedVersion, $"This server speaks tus {TusHeaders.Version}: send Tus-Resumable: {TusHeaders.Version}.");
                }

                return await next(invocation);
            });
        group.MapPost("/", CreateAsync).WithName("TusCreate");
        group.MapMethods("/{id}", [HttpMethods.Head], HeadAsync).WithName("TusHead");
        group.MapPatch("/{id}", PatchAsync).WithName("TusPatch");
        group.MapDelete("/{id}", TerminateAsync).WithName("TusTerminate");
        group.MapPost("/{id}", OverrideAsync).WithName("TusMethodOverride");
        group.MapGet("/{id}", DownloadAsync).WithName("TusDownload");
        return group;
    }

    /// <summary>The path of a tus upload.</summary>
    public static string UploadPath(string uploadId) => $"{BasePath}/{uploadId}";

    private static IResult Options(HttpContext context, IOptions<UploadOptions> options)
    {
        var headers = context.Response.Headers;
        headers[TusHeaders.Resumable] = TusHeaders.Version;
        headers[TusHeaders.TusVersion] = TusHeaders.Version;
        headers[TusHeaders.Extension] = TusHeaders.Extensions;
        headers[TusHeaders.MaxSize] = options.Value.Limits.MaxUploadBytes.ToString(CultureInfo.InvariantCulture);
        headers[TusHeaders.ChecksumAlgorithm] = TusChecksum.SupportedAlgorithms;
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context,
        IGrainFactory grains,
        IBlockStore blocks,
        UploadLimiter limiter,
        TimeProvider timeProvider,
        IOptions<UploadOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var limits = options.Value.Limits;
        if (!TusHeaders.TryParseMetadata(request.Headers[TusHeaders.UploadMetadata], out var metadata, out var metadataError))
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, metadataError!);
        }

        if (UploadsApi.ValidateMetadata(metadata) is { } invalidMetadata)
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, invalidMetadata);
        }

        var fileName = metadata.GetValueOrDefault("filename");
        if (fileName is not null && UploadsApi.ValidateFileName(fileName) is { } invalidName)
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, $"The filename metadata: {invalidName}");
        }

        var contentType = metadata.GetValueOrDefault("filetype") is { Length: > 0 } fileType ? fileType : DefaultContentType;
        if (!UploadsApi.IsValidContentType(contentType))
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, "The filetype metadata must be a media type such as video/mp4.");
        }

        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;
        if (hasBody && !IsOffsetOctetStream(request))
        {
            return UploadErrors.Problem(UploadErrors.UnsupportedMediaType, $"A body sent with a creation must be {TusHeaders.OffsetOctetStream}.");
        }

        if (!TryParseChecksum(request, out var checksum, out var checksumProblem))
        {
            return checksumProblem!;
        }

        UploadConcat? concat = null;
        if (request.Headers[TusHeaders.UploadConcat].ToString() is { Length: > 0 } concatHeader &&
            !TusHeaders.TryParseConcat(concatHeader, out concat, out var concatError))
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, concatError!);
        }

        var uploadId = UploadIds.NewId(timeProvider);
        CreateUploadCommand command;
        if (concat?.Kind == UploadConcatKind.Final)
        {
            if (request.Headers.ContainsKey(TusHeaders.UploadLength) || request.Headers.ContainsKey(TusHeaders.UploadDeferLength) || hasBody)
            {
                return UploadErrors.Problem(UploadErrors.ValidationError, "A final upload takes neither Upload-Length nor a body: it is its partial uploads.");
            }

            var partials = new List<UploadSnapshot>();
            foreach (var partId in concat.Parts)
            {
                var part = await TryGetAsync(UploadsApi.Upload(grains, context, partId), cancellationToken);
                if (part is not { Concat.Kind: UploadConcatKind.Partial, State: UploadState.Completed })
                {
                    return UploadErrors.Problem(
                        UploadErrors.ValidationError,
                        part is null
                            ? $"Upload-Concat names {UploadPath(partId)}, which is not an upload."
                            : $"{UploadPath(partId)} is not a completed partial upload; a final upload is made of completed ones.");
                }

                partials.Add(part);
            }

            var size = partials.Sum(p => p.Size);
            if (size > limits.MaxUploadBytes)
            {
                return UploadErrors.Problem(UploadErrors.PayloadTooLarge, $"The partial uploads hold {size} bytes, more than the largest upload accepted, {limits.MaxUploadBytes} bytes.");
            }

            command = new CreateUploadCommand(
                fileName ?? uploadId, contentType, size, Math.Max(1, partials.Max(p => p.ChunkSize)), metadata, UploadWriteMode.Append, SizeDeferred: false, concat);
        }
        else
        {
            var deferred = request.Headers[TusHeaders.UploadDeferLength].ToString();
            var lengthHeader = request.Headers[TusHeaders.UploadLength].ToString();
            if ((deferred.Length > 0) == (lengthHeader.Length > 0) || (deferred.Length > 0 && deferred != "1"))
            {
                return UploadErrors.Problem(UploadErrors.ValidationError, "A creation needs either Upload-Length or Upload-Defer-Length: 1.");
            }

            long length = 0;
            if (lengthHeader.Length > 0 && !TusHeaders.TryParseLength(lengthHeader, out length))
            {
                return UploadErrors.Problem(UploadErrors.ValidationError, "Upload-Length must be a non-negative integer.");
            }

            // The part size the v1 API would choose for this length (or the largest length, while it is deferred).
            var plan = ChunkPlan.For(deferred.Length > 0 ? limits.MaxUploadBytes : length, requestedChunkSize: null, limits);
            command = new CreateUploadCommand(
                fileName ?? uploadId, contentType, length, plan.ChunkSize, metadata, UploadWriteMode.Append, SizeDeferred: deferred.Length > 0, concat);
        }

        await limiter.ReserveAsync(context.GetTenant(), uploadId, cancellationToken);
        var upload = UploadsApi.Upload(grains, context, uploadId);
        var snapshot = (await upload.CreateAsync(command, cancellationToken)).Upload;
        var headers = context.Response.Headers;
        headers.Location = $"{request.Scheme}://{request.Host}{request.PathBase}{UploadPath(uploadId)}";
        if (hasBody)
        {
            // creation-with-upload: the body is the first append.
            var appended = await TusBodyWriter.AppendAsync(context, upload, blocks, 0, null, checksum, limits, cancellationToken);
            if (appended is null)
            {
                return ChecksumMismatch();
            }

            snapshot = appended;
            headers[TusHeaders.UploadOffset] = snapshot.ReceivedBytes.ToString(CultureInfo.InvariantCulture);
        }

        SetExpires(context, snapshot);
        return TypedResults.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> HeadAsync(string id, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return UploadsApi.NoSuchUpload();
        }

        var upload = await UploadsApi.Upload(grains, context, id).GetAsync(cancellationToken);
        if (Refusal(upload) is { } refusal)
        {
            return refusal;
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        var finalIncomplete = upload is { Concat.Kind: UploadConcatKind.Final, State: not UploadState.Completed };
        if (!finalIncomplete)
        {
            headers[TusHeaders.UploadOffset] = upload.ReceivedBytes.ToString(CultureInfo.InvariantCulture);
        }

        if (upload.SizeDeferred)
        {
            headers[TusHeaders.UploadDeferLength] = "1";
        }
        else
        {
            headers[TusHeaders.UploadLength] = upload.Size.ToString(CultureInfo.InvariantCulture);
        }

        if (TusHeaders.FormatMetadata(upload.Metadata) is { } metadata)
        {
            headers[TusHeaders.UploadMetadata] = metadata;
        }

        if (TusHeaders.FormatConcat(upload.Concat) is { } concat)
        {
            headers[TusHeaders.UploadConcat] = concat;
        }

        SetExpires(context, upload);
        return TypedResults.Ok();
    }

    private static async Task<IResult> PatchAsync(
        string id,
        HttpContext context,
        IGrainFactory grains,
        IBlockStore blocks,
        IOptions<UploadOptions> options,
        CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return UploadsApi.NoSuchUpload();
        }

        var request = context.Request;
        if (!IsOffsetOctetStream(request))
        {
            return UploadErrors.Problem(UploadErrors.UnsupportedMediaType, $"A PATCH body must be {TusHeaders.OffsetOctetStream}.");
        }

        if (!TusHeaders.TryParseLength(request.Headers[TusHeaders.UploadOffset], out var offset))
        {
            return UploadErrors.Problem(UploadErrors.ValidationError, "A PATCH needs Upload-Offset: a non-negative integer.");
        }

        long? declaredLength = null;
        if (request.Headers[TusHeaders.UploadLength].ToString() is { Length: > 0 } lengthHeader)
        {
            if (!TusHeaders.TryParseLength(lengthHeader, out var length))
            {
                return UploadErrors.Problem(UploadErrors.ValidationError, "Upload-Length must be a non-negative integer.");
            }

            declaredLength = length;
        }

        if (!TryParseChecksum(request, out var checksum, out var checksumProblem))
        {
            return checksumProblem!;
        }

        var upload = await TusBodyWriter.AppendAsync(
            context, UploadsApi.Upload(grains, context, id), blocks, offset, declaredLength, checksum, options.Value.Limits, cancellationToken);
        if (upload is null)
        {
            return ChecksumMismatch();
        }

        context.Response.Headers[TusHeaders.UploadOffset] = upload.ReceivedBytes.ToString(CultureInfo.InvariantCulture);
        SetExpires(context, upload);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> TerminateAsync(string id, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return UploadsApi.NoSuchUpload();
        }

        // The termination extension: a DELETE of an upload, finished or not, ends it and frees its bytes.
        await UploadsApi.Upload(grains, context, id).TerminateAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, IGrainFactory grains, IBlockStore blocks, CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(id))
        {
            return UploadsApi.NoSuchUpload();
        }

        // A terminated or expired upload is gone (410), as its HEAD says.
        var upload = await UploadsApi.Upload(grains, context, id).GetAsync(cancellationToken);
        return Refusal(upload) ?? UploadsApi.Content(upload, context, blocks);
    }

    private static Task<IResult> OverrideAsync(
        string id,
        HttpContext context,
        IGrainFactory grains,
        IBlockStore blocks,
        IOptions<UploadOptions> options,
        CancellationToken cancellationToken) =>
        context.Request.Headers[TusHeaders.MethodOverride].ToString().ToUpperInvariant() switch
        {
            "PATCH" => PatchAsync(id, context, grains, blocks, options, cancellationToken),
            "DELETE" => TerminateAsync(id, context, grains, cancellationToken),
            "HEAD" => HeadAsync(id, context, grains, cancellationToken),
            _ => Task.FromResult<IResult>(UploadErrors.Problem(UploadErrors.ValidationError, $"A POST to an upload needs {TusHeaders.MethodOverride}: PATCH, DELETE or HEAD.")),
        };

    /// <summary>The refusal a tus client gets for an upload it cannot resume here, if any.</summary>
    private static IResult? Refusal(UploadSnapshot upload) => upload switch
    {
        { State: UploadState.Aborted } => UploadErrors.Problem(UploadErrors.UploadAborted, "The upload was terminated."),
        { State: UploadState.Expired } => UploadErrors.Problem(UploadErrors.UploadExpired, "The upload has expired."),
        { Mode: UploadWriteMode.Chunks, State: not UploadState.Completed } =>
            UploadErrors.Problem(UploadErrors.InvalidState, $"The upload is written in chunks with the v1 API at {UploadsApi.UploadPath(upload.UploadId)}."),
        _ => null,
    };

    private static async Task<UploadSnapshot?> TryGetAsync(IUploadGrain upload, CancellationToken cancellationToken)
    {
        try
        {
            return await upload.GetAsync(cancellationToken);
        }
        catch (UploadException exception) when (exception.Code == UploadErrorCodes.NotFound)
        {
            return null;
        }
    }

    private static bool TryParseChecksum(HttpRequest request, out TusChecksum? checksum, out IResult? problem)
    {
        checksum = null;
        problem = null;
        if (request.Headers[TusHeaders.UploadChecksum].ToString() is not { Length: > 0 } header)
        {
            return true;
        }

        if (TusChecksum.TryParse(header, out checksum, out var error))
        {
            return true;
        }

        problem = UploadErrors.Problem(UploadErrors.ValidationError, error!);
        return false;
    }

    private static bool IsOffsetOctetStream(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) &&
        mediaType.MediaType.Equals(TusHeaders.OffsetOctetStream, StringComparison.OrdinalIgnoreCase);

    private static void SetExpires(HttpContext context, UploadSnapshot upload)
    {
        if (upload.ExpiresAt is { } expiresAt && upload.State is UploadState.Created or UploadState.Uploading)
        {
            context.Response.Headers[TusHeaders.UploadExpires] = TusHeaders.FormatDate(expiresAt);
        }
    }

    private static IResult ChecksumMismatch() =>
        UploadErrors.Problem(UploadErrors.ChecksumMismatch, "The body does not match Upload-Checksum; nothing of it was kept and the offset is unchanged.");
}
