using Microsoft.Extensions.Options;
using Uploads.Storage.AzureBlob;

namespace Uploads.Storage;

/// <summary>Reports every bad storage setting at once, each with how to fix it.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string KnownProviders = $"\"{StorageOptions.FileSystemProvider}\" or \"{StorageOptions.AzureBlobProvider}\"";
    private const string AzureBlobSection = $"{StorageOptions.SectionName}:AzureBlob";
    private const int MaxRetries = 10;

    // Beyond these an operation would hold a chunk's client for minutes before it fails.
    private static readonly TimeSpan s_maxTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_maxRetryBaseDelay = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Provider))
        {
            failures.Add($"{StorageOptions.SectionName}:Provider is empty; set it to {KnownProviders}.");
        }
        else if (IsFileSystem(options.Provider))
        {
            ValidateFileSystem(options, failures);
        }
        else if (IsAzureBlob(options.Provider))
        {
            ValidateAzureBlob(options.AzureBlob, failures);
        }
        else
        {
            failures.Add($"{StorageOptions.SectionName}:Provider is \"{options.Provider}\", which is not a known provider; set it to {KnownProviders}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsFileSystem(string provider) =>
        string.Equals(provider, StorageOptions.FileSystemProvider, StringComparison.OrdinalIgnoreCase);

    internal static bool IsAzureBlob(string provider) =>
        string.Equals(provider, StorageOptions.AzureBlobProvider, StringComparison.OrdinalIgnoreCase);

    private static void ValidateAzureBlob(AzureBlobStorageOptions? options, List<string> failures)
    {
        if (options is null)
        {
            failures.Add($"{AzureBlobSection} is missing; set at least {AzureBlobSection}:ConnectionString or {AzureBlobSection}:ServiceUri.");
            return;
        }

        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasServiceUri = !string.IsNullOrWhiteSpace(options.ServiceUri);
        if (hasConnectionString && hasServiceUri)
        {
            failures.Add(
                $"{AzureBlobSection}:ServiceUri and {AzureBlobSection}:ConnectionString are both set; set it to \"\" to use the connection string, " +
                "or leave the connection string empty to use the service URI with DefaultAzureCredential.");
        }
        else if (!hasConnectionString && !hasServiceUri)
        {
            failures.Add(
                $"{AzureBlobSection}:ConnectionString is empty, and so is {AzureBlobSection}:ServiceUri; set it to the storage account's connection string " +
                "(DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net), " +
                "or to \"UseDevelopmentStorage=true\" for Azurite on 127.0.0.1:10000; " +
                $"or set {AzureBlobSection}:ServiceUri to https://<account>.blob.core.windows.net to sign in with DefaultAzureCredential.");
        }
        else if (hasConnectionString && !AzureBlobConnection.TryGetEndpoint(options.ConnectionString, out _, out var error))
        {
            failures.Add($"{AzureBlobSection}:ConnectionString cannot be used: {error}; set it as the Azure portal shows it under \"Access keys\", or to \"UseDevelopmentStorage=true\".");
        }
        else if (hasServiceUri && !IsServiceUri(options.ServiceUri))
        {
            failures.Add(
                $"{AzureBlobSection}:ServiceUri \"{options.ServiceUri}\" is not the account's Blob service endpoint; " +
                "set it to https://<account>.blob.core.windows.net (http only for an emulator on this machine).");
        }

        var containerValid = AzureContainerNames.IsValid(options.Container);
        if (!containerValid)
        {
            failures.Add($"{AzureBlobSection}:Container \"{options.Container}\" is not a valid container name ({AzureContainerNames.Rule}); set it to, for example, \"uploads\".");
        }

        var stateContainer = options.GetStateContainer();
        if (string.IsNullOrEmpty(options.StateContainer))
        {
            if (containerValid && !AzureContainerNames.IsValid(stateContainer))
            {
                failures.Add($"{AzureBlobSection}:StateContainer is empty, and the name it stands for, \"{stateContainer}\", is too long ({AzureContainerNames.Rule}); set {AzureBlobSection}:StateContainer.");
            }
        }
        else if (!AzureContainerNames.IsValid(stateContainer))
        {
            failures.Add($"{AzureBlobSection}:StateContainer \"{stateContainer}\" is not a valid container name ({AzureContainerNames.Rule}); set it to, for example, \"uploads-state\", or leave it empty for \"{{Container}}-state\".");
        }
        else if (string.Equals(stateContainer, options.Container, StringComparison.Ordinal))
        {
            failures.Add($"{AzureBlobSection}:StateContainer is the same as {AzureBlobSection}:Container; set it to another container, or leave it empty for \"{{Container}}-state\".");
        }

        AddIfOutside(failures, "RequestTimeout", options.RequestTimeout, s_maxTimeout, "for example \"00:00:05\"");
        AddIfOutside(failures, "ConnectTimeout", options.ConnectTimeout, s_maxTimeout, "for example \"00:00:02\"");
        if (options.MaxRetries is < 0 or > MaxRetries)
        {
            failures.Add($"{AzureBlobSection}:MaxRetries is {options.MaxRetries}; set it to 0 to {MaxRetries}, for example 3.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > s_maxRetryBaseDelay)
        {
            failures.Add($"{AzureBlobSection}:RetryBaseDelay is {options.RetryBaseDelay}; set it to at most {s_maxRetryBaseDelay}, for example \"00:00:00.250\".");
        }
    }

    private static bool IsServiceUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) &&
        uri.Query.Length == 0 &&
        (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static void AddIfOutside(List<string> failures, string setting, TimeSpan value, TimeSpan max, string example)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            failures.Add($"{AzureBlobSection}:{setting} is {value}; set it to more than zero and at most {max}, {example}.");
        }
    }

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
