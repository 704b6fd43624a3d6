using System.Text.Json;

namespace Uploads.EndToEnd.Tests;

/// <summary>A response read off the wire by <see cref="RawHttp"/>: its status, its headers and its decoded body.</summary>
internal sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The header's value, or null (names are case-insensitive).</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body as a problem's JSON, asserting it is one.</summary>
    public JsonElement Problem()
    {
        Assert.True(Header("Content-Type")?.StartsWith("application/problem+json", StringComparison.Ordinal) == true, $"Not a problem: {this}");
        return JsonSerializer.Deserialize<JsonElement>(Body);
    }
}
