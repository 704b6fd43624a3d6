namespace Uploads.Storage.Tests;

/// <summary>
/// A stream that cannot seek over fixed bytes, handed out in pieces of <c>pieceSize</c> with a pause before each: a
/// slow client whose upload keeps moving.
/// </summary>
public sealed class TrickleStream : ForwardOnlyStream
{
    private readonly byte[] _data;
    private readonly int _pieceSize;
    private readonly TimeSpan _pause;
    private int _position;

    public TrickleStream(byte[] data, int pieceSize, TimeSpan pause)
    {
        _data = data;
        _pieceSize = pieceSize;
        _pause = pause;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == _data.Length)
        {
            return 0;
        }

        await Task.Delay(_pause, cancellationToken);
        var count = Math.Min(Math.Min(buffer.Length, _pieceSize), _data.Length - _position);
        _data.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }
}
