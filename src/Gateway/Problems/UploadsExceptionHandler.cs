using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Uploads.Abstractions;
using Uploads.Grains;
using Uploads.Storage;

namespace Uploads.Gateway.Problems;

/// <summary>
/// Turns the exceptions that mean "the client's mistake" or "retry later" into problem details, so no such
/// request ever sees a 500: refusals of the grain, an unavailable store, a state conflict that outlived its
/// retries, a grain owner silo out of reach while the cluster changes, and bodies the server could not read.
/// </summary>
internal sealed partial class UploadsExceptionHandler : IExceptionHandler
{
    private readonly ILogger<UploadsExceptionHandler> _logger;

    public UploadsExceptionHandler(ILogger<UploadsExceptionHandler> logger)
    {
        _logger = logger;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        IResult? result = Unwrap(exception) switch
        {
            UploadException refusal => Refused(httpContext, refusal),
            StorageException { Code: StorageErrorCode.Unavailable } or InconsistentStateException => Unavailable(httpContext, exception),
            var orleans when GrainCallRetry.IsSiloUnavailable(orleans) => SiloUnavailable(httpContext, orleans),
            BadHttpRequestException bad => UploadErrors.Problem(UploadErrors.ForStatus(bad.StatusCode) ?? UploadErrors.ValidationError, bad.Message),
            EndOfStreamException => UploadErrors.Problem(UploadErrors.ValidationError, "The body ended before Content-Length bytes; nothing was stored."),
            IOException { InnerException: OverflowException } overflow when IsKestrels(overflow) =>
                UploadErrors.Problem(UploadErrors.ValidationError, "A chunk-size line of the chunked body is too large to be a size; nothing was stored."),
            _ => null,
        };
        if (result is null || httpContext.Response.HasStarted)
        {
            return false;
        }

        await result.ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// Whether Kestrel threw <paramref name="exception"/> while reading the request: it reports a chunk-size line that
    /// overflows as an <see cref="IOException"/> around an <see cref="OverflowException"/> (a malformed one, as a
    /// <see cref="BadHttpRequestException"/>), where a store's own I/O failure must stay a server fault.
    /// </summary>
    private static bool IsKestrels(Exception exception) =>
        exception.TargetSite?.DeclaringType?.Namespace?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true;

    private static IResult Refused(HttpContext httpContext, UploadException refusal)
    {
        UploadErrors.SetRetryAfter(httpContext, UploadErrors.ForCode(refusal.Code));
        return UploadErrors.Problem(refusal);
    }

    private IResult Unavailable(HttpContext httpContext, Exception exception)
    {
        LogUnavailable(_logger, httpContext.Request.Path, exception);
        UploadErrors.SetRetryAfter(httpContext, UploadErrors.StorageUnavailable);
        return UploadErrors.Problem(UploadErrors.StorageUnavailable, "The store did not answer in time; nothing was half-done. Retry later.");
    }

    /// <summary>
    /// The failure a grain call stands for: Orleans wraps what a storage provider throws (in an
    /// <see cref="OrleansException"/>, or in the error of an activation that could not read its state), so our store's
    /// own exception, or a refusal, is looked for inside it.
    /// </summary>
    private static Exception Unwrap(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is StorageException or UploadException)
            {
                return inner;
            }
        }

        return exception;
    }

    private IResult SiloUnavailable(HttpContext httpContext, Exception exception)
    {
        LogSiloUnavailable(_logger, httpContext.Request.Path, exception);
        UploadErrors.SetRetryAfter(httpContext, UploadErrors.SiloUnavailable);
        return UploadErrors.Problem(UploadErrors.SiloUnavailable, "The upload's grain cannot be reached while the cluster's membership changes; nothing acknowledged was lost. Retry shortly.");
    }

    [LoggerMessage(1, LogLevel.Warning, "Storage unavailable while serving {Path}")]
    private static partial void LogUnavailable(ILogger logger, PathString path, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Grain owner unavailable while serving {Path}")]
    private static partial void LogSiloUnavailable(ILogger logger, PathString path, Exception exception);
}
