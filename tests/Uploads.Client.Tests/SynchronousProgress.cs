namespace Uploads.Client.Tests;

/// <summary>An <see cref="IProgress{T}"/> that handles each report at once, on the reporting thread.</summary>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    public SynchronousProgress(Action<T> handler)
    {
        _handler = handler;
    }

    public void Report(T value) => _handler(value);
}
