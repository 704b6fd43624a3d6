using System.Text.Json;

namespace Uploads.Runtime.Cluster;

/// <summary>An exception that ended a forwarded grain call, as it crosses to the calling silo.</summary>
/// <param name="Codec">The name of the codec that rebuilds it, or <see langword="null"/> when its type has none.</param>
/// <param name="ExceptionType">The full name of the exception's type, for the log.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="Data">What the codec keeps of the exception besides its message.</param>
internal sealed record GrainCallFault(string? Codec, string ExceptionType, string Message, JsonElement? Data);
