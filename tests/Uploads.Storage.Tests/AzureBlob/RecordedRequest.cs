namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>A request as the <see cref="LoopbackBlobServer"/> received it.</summary>
public sealed record RecordedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body);
