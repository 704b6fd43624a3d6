using System.Net.Mime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Uploads.Gateway.Home;

/// <summary>
/// <c>GET /</c> until the upload page is served there: a short HTML page that says what the service is and where its
/// API is described, so a browser pointed at the silo finds its way instead of a bare 404. Replaced, file and all,
/// by the page.
/// </summary>
internal static class PlaceholderHomePage
{
    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Uploads</title></head>
        <body>
        <h1>Uploads</h1>
        <p>Resumable, chunked uploads of large files. A client creates an upload, sends its chunks in any order and in
        parallel, asks after a lost connection what the server holds, sends only what is missing, and gets one intact file.</p>
        <ul>
        <li><a href="/openapi/v1.json">/openapi/v1.json</a>: the HTTP API, <code>/v1/uploads</code>, as OpenAPI.</li>
        <li><code>/files/</code>: tus 1.0.0, for any tus client (Uppy, tus-js-client, TUSKit, tus-android-client, tus-py-client).</li>
        <li><a href="/healthz/ready">/healthz/ready</a> and <a href="/healthz/live">/healthz/live</a>: for probes.</li>
        </ul>
        <p>README.md in the repository walks through it: <em>An interrupted upload, resumed, with curl</em>;
        <em>tus clients</em>; <em>Configuration</em>; <em>Tenants and authentication</em>; <em>Storage</em>;
        <em>The .NET client and the uploads tool</em>.</p>
        </body>
        </html>
        """;

    /// <summary>Maps <c>GET /</c> (and its HEAD) to the placeholder page, open to anyone.</summary>
    public static RouteHandlerBuilder MapPlaceholderHomePage(this IEndpointRouteBuilder routes) =>
        routes.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], () => TypedResults.Content(Html, MediaTypeNames.Text.Html))
            .AllowAnonymous()
            .ExcludeFromDescription();
}
