using System.Net;

namespace Uploads.Client.Tests.Fakes;

/// <summary>A request that reached the server and the status it answered.</summary>
internal sealed record RecordedRequest(HttpMethod Method, string Path, HttpStatusCode Status)
{
    /// <summary>The chunk index of a <c>PUT .../chunks/{index}</c>, else null.</summary>
    public int? ChunkIndex =>
        Method == HttpMethod.Put && Path.LastIndexOf("/chunks/", StringComparison.Ordinal) is var at and >= 0
            ? int.Parse(Path.AsSpan(at + "/chunks/".Length), System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
