using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Uploads.Gateway.Apis;

/// <summary>Maps a GET route together with its HEAD (RFC 9110 §9.3.2: a HEAD is served wherever a GET is).</summary>
internal static class HeadRouteBuilderExtensions
{
    /// <summary>
    /// Maps <paramref name="handler"/> for GET and, left out of the OpenAPI document, for HEAD: download tools ask for
    /// a file's size with a HEAD first. The server leaves the body of a HEAD response out.
    /// </summary>
    public static RouteHandlerBuilder MapGetAndHead(this IEndpointRouteBuilder routes, string pattern, Delegate handler)
    {
        routes.MapMethods(pattern, [HttpMethods.Head], handler).ExcludeFromDescription();
        return routes.MapGet(pattern, handler);
    }

    /// <summary>
    /// Serves the GET endpoints of <paramref name="builder"/> for HEAD too. Only for endpoints the OpenAPI document
    /// leaves out (the document itself): it would describe each of them twice.
    /// </summary>
    public static TBuilder WithHead<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head])));
        return builder;
    }
}
