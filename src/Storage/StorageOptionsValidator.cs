using Microsoft.Extensions.Options;

namespace Uploads.Storage;

/// <summary>Reports every bad storage setting at once, each with how to fix it.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Provider))
        {
            failures.Add($"{StorageOptions.SectionName}:Provider is empty; set it to \"{StorageOptions.FileSystemProvider}\".");
        }
        else if (IsFileSystem(options.Provider))
        {
            ValidateFileSystem(options, failures);
        }
        else
        {
            failures.Add($"{StorageOptions.SectionName}:Provider is \"{options.Provider}\", which is not a known provider; set it to \"{StorageOptions.FileSystemProvider}\".");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsFileSystem(string provider) =>
        string.Equals(provider, StorageOptions.FileSystemProvider, StringComparison.OrdinalIgnoreCase);

    private static void ValidateFileSystem(StorageOptions options, List<string> failures)
    {
        var root = options.FileSystem?.Root;
        if (string.IsNullOrWhiteSpace(root))
        {
            failures.Add($"{StorageOptions.SectionName}:FileSystem:Root is empty; set it to the data folder, for example \"./data\".");
            return;
        }

        if (root.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{StorageOptions.SectionName}:FileSystem:Root \"{root}\" contains characters that are not valid in a path; set it to the data folder, for example \"./data\".");
        }
    }
}
