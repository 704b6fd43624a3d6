namespace Uploads.EndToEnd.Tests.Contracts;

/// <summary>The upload resource of API.md as a client reads it; <see cref="Chunk"/> only in answers to a chunk upload.</summary>
internal sealed record UploadResponse(
    string UploadId,
    string State,
    string FileName,
    string ContentType,
    long Size,
    long ChunkSize,
    int ChunkCount,
    int[][] ReceivedChunks,
    int ReceivedChunkCount,
    long ReceivedBytes,
    int? NextChunkIndex,
    bool Complete,
    UploadResultResponse? Result,
    ChunkReceiptResponse? Chunk);
