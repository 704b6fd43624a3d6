namespace Uploads.Runtime;

/// <summary>
/// A conditional state write found a version other than the one this activation holds: another activation
/// (or a process sharing the store) wrote first. The runtime reacts by discarding the activation and retrying
/// the call on a fresh one; grain code does not catch it.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
