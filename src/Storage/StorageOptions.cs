using Uploads.Storage.AzureBlob;
using Uploads.Storage.FileSystem;

namespace Uploads.Storage;

/// <summary>
/// Which store holds the blocks of uploads and the grain state, bound from the configuration section
/// <see cref="SectionName"/> (for example <c>Uploads__Storage__Provider=FileSystem</c>).
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Uploads:Storage";

    /// <summary>The name of the provider that keeps everything in a local data folder.</summary>
    public const string FileSystemProvider = "FileSystem";

    /// <summary>The name of the provider that keeps everything in Azure Blob Storage (or Azurite).</summary>
    public const string AzureBlobProvider = "AzureBlob";

    /// <summary>
    /// The provider of <see cref="IBlockStore"/> and <see cref="IGrainStateStore"/>: "FileSystem" or "AzureBlob", compared
    /// without regard to case. Default: "FileSystem".
    /// </summary>
    public string Provider { get; set; } = FileSystemProvider;

    /// <summary>The settings of the FileSystem provider, used when <see cref="Provider"/> is "FileSystem". Default: see <see cref="FileSystemStorageOptions"/>.</summary>
    public FileSystemStorageOptions FileSystem { get; set; } = new();

    /// <summary>The settings of the AzureBlob provider, used when <see cref="Provider"/> is "AzureBlob". Default: see <see cref="AzureBlobStorageOptions"/>.</summary>
    public AzureBlobStorageOptions AzureBlob { get; set; } = new();
}
