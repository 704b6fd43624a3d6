namespace Uploads.Storage;

/// <summary>Why a storage operation failed.</summary>
[GenerateSerializer, Alias("uploads.StorageErrorCode")]
public enum StorageErrorCode
{
    /// <summary>The store could not be reached or failed, after the provider's retries. Retrying later may succeed.</summary>
    Unavailable,

    /// <summary>A conditional write found another version: someone else wrote first.</summary>
    Conflict,

    /// <summary>The blob or record does not exist.</summary>
    NotFound,

    /// <summary>A commit named a block that is not staged.</summary>
    InvalidBlockList,
}
