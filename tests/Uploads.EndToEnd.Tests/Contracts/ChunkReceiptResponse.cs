namespace Uploads.EndToEnd.Tests.Contracts;

/// <summary>The <c>chunk</c> member of the answer to a chunk upload.</summary>
internal sealed record ChunkReceiptResponse(int Index, long Size, string Sha256, bool Replaced);
