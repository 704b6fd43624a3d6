namespace Uploads.Storage.Tests;

/// <summary>A stream that cancels a token after its first read, standing in for a client that gives up mid-block.</summary>
public sealed class CancellingStream : MemoryStream
{
    private readonly CancellationTokenSource _cancellation;

    public CancellingStream(byte[] data, CancellationTokenSource cancellation)
        : base(data)
    {
        _cancellation = cancellation;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await base.ReadAsync(buffer[..Math.Min(buffer.Length, 16)], cancellationToken);
        await _cancellation.CancelAsync();
        return read;
    }
}
