namespace Uploads.Storage.Tests;

/// <summary>
/// A stream over fixed bytes that stops after the first <c>gateAt</c> bytes until the test opens the gate, so a
/// test can look at the store while a write is in progress, without sleeping.
/// </summary>
public sealed class GatedStream : ForwardOnlyStream
{
    private readonly byte[] _data;
    private readonly int _gateAt;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _position;

    public GatedStream(byte[] data, int gateAt)
    {
        _data = data;
        _gateAt = gateAt;
    }

    /// <summary>Completes when the reader has read everything before the gate and waits at it.</summary>
    public Task Reached => _reached.Task;

    public void Open() => _opened.TrySetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == _gateAt)
        {
            _reached.TrySetResult();
            await _opened.Task.WaitAsync(cancellationToken);
        }

        var end = _position < _gateAt ? _gateAt : _data.Length;
        var count = Math.Min(buffer.Length, end - _position);
        _data.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }
}
