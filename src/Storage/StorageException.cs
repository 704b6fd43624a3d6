namespace Uploads.Storage;

/// <summary>
/// The one exception type a store throws for a failure of the store itself. Serializable by Orleans, so a storage
/// failure inside a grain on another silo reaches the gateway as itself (and becomes a 503 there).
/// </summary>
[GenerateSerializer, Alias("uploads.StorageException")]
public sealed class StorageException : Exception
{
    public StorageException(StorageErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Why the operation failed.</summary>
    [Id(0)]
    public StorageErrorCode Code { get; }
}
