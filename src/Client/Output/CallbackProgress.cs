namespace Uploads.Client.Cli.Output;

/// <summary>
/// An <see cref="IProgress{T}"/> that handles each report on the thread that makes it, unlike
/// <see cref="Progress{T}"/>, which posts reports and so may deliver them out of order.
/// </summary>
internal sealed class CallbackProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    public CallbackProgress(Action<T> handler)
    {
        _handler = handler;
    }

    public void Report(T value) => _handler(value);
}
