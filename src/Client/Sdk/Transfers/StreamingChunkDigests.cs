using System.Security.Cryptography;

namespace Uploads.Client.Transfers;

/// <summary>
/// The composite <c>chunksSha256</c> of content that arrives as a stream: the bytes are cut at chunk boundaries as
/// they pass, so a download is verified without a second read.
/// </summary>
internal sealed class StreamingChunkDigests : IDisposable
{
    private readonly long _chunkSize;
    private readonly IncrementalHash _chunk = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _composite = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _inChunk;
    private long _total;

    public StreamingChunkDigests(long chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _chunkSize = chunkSize;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var take = (int)Math.Min(bytes.Length, _chunkSize - _inChunk);
            _chunk.AppendData(bytes[..take]);
            _inChunk += take;
            _total += take;
            bytes = bytes[take..];
            if (_inChunk == _chunkSize)
            {
                EndChunk();
            }
        }
    }

    /// <summary>The base64 composite of everything appended, the last chunk being whatever remains.</summary>
    public string ComputeChunksSha256()
    {
        if (_inChunk > 0)
        {
            EndChunk();
        }

        return Convert.ToBase64String(_composite.GetHashAndReset());
    }

    public void Dispose()
    {
        _chunk.Dispose();
        _composite.Dispose();
    }

    private void EndChunk()
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        _chunk.GetHashAndReset(digest);
        _composite.AppendData(digest);
        _inChunk = 0;
    }
}
