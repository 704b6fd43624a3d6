using System.Text.Json;

namespace Uploads.Runtime.Cluster;

/// <summary>A grain call forwarded to its owner silo: the body of <c>POST /internal/grains/call</c>.</summary>
/// <param name="GrainType">The grain's type name.</param>
/// <param name="Key">The grain's key.</param>
/// <param name="Method">The method's <see cref="GrainMethod.Key"/>: <c>{interface}.{name}({parameter types})</c>.</param>
/// <param name="Arguments">The arguments, each serialized as its parameter's type, without the cancellation token.</param>
/// <param name="Excluded">The silos the caller suspects: the owner leaves them out when it checks that it owns the grain.</param>
internal sealed record GrainCallRequest(
    string GrainType,
    string Key,
    string Method,
    IReadOnlyList<JsonElement> Arguments,
    IReadOnlyList<string> Excluded);
