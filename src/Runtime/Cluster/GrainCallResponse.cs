using System.Text.Json;

namespace Uploads.Runtime.Cluster;

/// <summary>The answer of the owner silo to a forwarded grain call that it ran: a result or a fault.</summary>
/// <param name="Result">The method's result, serialized as its result type; <see langword="null"/> for a <see cref="Task"/> or a fault.</param>
/// <param name="Fault">The exception the call ended with, or <see langword="null"/>.</param>
internal sealed record GrainCallResponse(JsonElement? Result, GrainCallFault? Fault);
