namespace Uploads.Abstractions;

/// <summary>Where an upload is in its life, as clients see it.</summary>
[GenerateSerializer, Alias("uploads.UploadState")]
public enum UploadState
{
    /// <summary>Created; no chunk accepted yet.</summary>
    Created,

    /// <summary>At least one chunk accepted; not completed.</summary>
    Uploading,

    /// <summary>The commit of the chunks into one blob is under way; the next call on the upload finishes it.</summary>
    Completing,

    /// <summary>Committed into one blob: downloadable. Terminal.</summary>
    Completed,

    /// <summary>Aborted by its owner; its bytes are released. Terminal.</summary>
    Aborted,

    /// <summary>Not completed within the time to live after its last accepted chunk; its bytes are released. Terminal.</summary>
    Expired,
}
