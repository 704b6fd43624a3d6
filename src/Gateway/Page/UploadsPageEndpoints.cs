using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Uploads.Gateway.Page;

/// <summary>
/// The upload page at <c>/</c> and its files, the browser client among them, at <c>/assets/…</c>: the files of the
/// gateway's <c>wwwroot/</c>, embedded in its assembly so that every host serves them with nothing to deploy beside
/// it. They are read once, at the first request, and answered with a strong entity tag; browsers revalidate them
/// (<c>Cache-Control: no-cache</c>), so a new version of the silo is picked up at the next load.
/// </summary>
public static class UploadsPageEndpoints
{
    /// <summary>The path prefix of the page's files.</summary>
    public const string AssetsPath = "/assets";

    private const string PageFile = "index.html";

    private static readonly Lazy<FrozenDictionary<string, PageAsset>> s_assets = new(LoadAssets);

    /// <summary>Maps <c>GET /</c> (the page) and <c>GET /assets/{**path}</c>; open to anyone, as a page must load before a token is asked for.</summary>
    public static IEndpointRouteBuilder MapUploadsPage(this IEndpointRouteBuilder routes)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        routes.MapMethods("/", methods, (HttpContext context) => Serve(context, PageFile))
            .WithName("UploadsPage")
            .ExcludeFromDescription()
            .AllowAnonymous();
        routes.MapMethods($"{AssetsPath}/{{**path}}", methods, (HttpContext context, string? path) => Serve(context, $"{AssetsPath[1..]}/{path}"))
            .WithName("UploadsPageAsset")
            .ExcludeFromDescription()
            .AllowAnonymous();
        return routes;
    }

    private static IResult Serve(HttpContext context, string path)
    {
        if (!s_assets.Value.TryGetValue(path, out var asset))
        {
            // An empty 404: status code pages turn it into the same problem as any unknown route.
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.EntityTag);
    }

    private static FrozenDictionary<string, PageAsset> LoadAssets()
    {
        var files = new ManifestEmbeddedFileProvider(typeof(UploadsPageEndpoints).Assembly, "wwwroot");
        var contentTypes = new FileExtensionContentTypeProvider();
        var assets = new Dictionary<string, PageAsset>(StringComparer.Ordinal);
        Collect(files, contentTypes, "/", assets);
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void Collect(IFileProvider files, FileExtensionContentTypeProvider contentTypes, string folder, Dictionary<string, PageAsset> assets)
    {
        foreach (var entry in files.GetDirectoryContents(folder))
        {
            var path = folder == "/" ? entry.Name : $"{folder}/{entry.Name}";
            if (entry.IsDirectory)
            {
                Collect(files, contentTypes, path, assets);
                continue;
            }

            using var stream = entry.CreateReadStream();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var contentType = contentTypes.TryGetContentType(entry.Name, out var known) ? known : "application/octet-stream";
            if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType.EndsWith("javascript", StringComparison.Ordinal))
            {
                contentType += "; charset=utf-8";
            }

            var tag = new EntityTagHeaderValue($"\"{Convert.ToBase64String(SHA256.HashData(content), 0, 16)}\"");
            assets[path] = new PageAsset(content, contentType, tag);
        }
    }

    private sealed record PageAsset(byte[] Content, string ContentType, EntityTagHeaderValue EntityTag);
}
