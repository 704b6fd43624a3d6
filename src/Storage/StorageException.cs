namespace Uploads.Storage;

/// <summary>The one exception type a store throws for a failure of the store itself.</summary>
public sealed class StorageException : Exception
{
    public StorageException(StorageErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Why the operation failed.</summary>
    public StorageErrorCode Code { get; }
}
