using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using Uploads.Gateway.Problems;

namespace Uploads.Gateway.Apis;

/// <summary>
/// A completed upload's bytes, served by the framework's file result (one <c>bytes</c> range, validators, HEAD), with
/// two amendments (RFC 9110 §14): a <c>Range</c> of another unit is ignored, and a range outside the content gets its 416
/// as a problem, like every other error.
/// </summary>
internal sealed class UploadContentResult : IResult, IEndpointMetadataProvider
{
    private readonly FileStreamHttpResult _file;

    private UploadContentResult(FileStreamHttpResult file)
    {
        _file = file;
    }

    /// <summary>Serves <paramref name="content"/> as the bytes of an upload.</summary>
    public static UploadContentResult For(HttpContext context, Stream content, string contentType, string fileName, DateTimeOffset lastModified, string etag)
    {
        var request = context.Request;
        if (request.GetTypedHeaders().Range is { } range && !range.Unit.Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Remove(HeaderNames.Range);
        }

        return new UploadContentResult(TypedResults.Stream(content, contentType, fileName, lastModified, new EntityTagHeaderValue(etag), enableRangeProcessing: true));
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await _file.ExecuteAsync(httpContext);
        var response = httpContext.Response;
        if (response.StatusCode == StatusCodes.Status416RangeNotSatisfiable && !response.HasStarted)
        {
            // The file result has set Content-Range: bytes */{length} and an empty body; the problem replaces the body.
            var length = response.Headers.ContentRange.ToString();
            response.ContentLength = null;
            await _file.FileStream.DisposeAsync();
            await UploadErrors.Problem(UploadErrors.RangeNotSatisfiable, $"The Range lies outside the content ({length}); ask for bytes below its length.")
                .ExecuteAsync(httpContext);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Stream), ["application/octet-stream"]));
    }
}
