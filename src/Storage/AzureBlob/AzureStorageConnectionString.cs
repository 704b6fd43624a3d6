using System.Diagnostics.CodeAnalysis;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// The parts of a storage connection string the Blob service needs: where it is and the Shared Key to sign with.
/// Accepts the forms Azure and Azurite write: <c>DefaultEndpointsProtocol</c>, <c>AccountName</c>, <c>AccountKey</c>
/// and <c>EndpointSuffix</c>; an explicit <c>BlobEndpoint</c> (Azurite's path-style
/// <c>http://127.0.0.1:10000/devstoreaccount1</c>, say); or <c>UseDevelopmentStorage=true</c>.
/// </summary>
/// <remarks>Error messages name settings, never their values: a connection string holds the account key.</remarks>
internal sealed class AzureStorageConnectionString
{
    /// <summary>The account of the storage emulator.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The emulator's key, published by Microsoft and the same on every machine: not a secret.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Where <c>UseDevelopmentStorage=true</c> points: Azurite's default blob port, path-style.</summary>
    public const string DevelopmentBlobEndpoint = "http://127.0.0.1:10000/devstoreaccount1";

    private const string DefaultProtocol = "https";
    private const string DefaultEndpointSuffix = "core.windows.net";

    // Settings of the other services (and secondaries) that a connection string copied from the portal may carry.
    private static readonly HashSet<string> s_ignoredSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "QueueEndpoint", "TableEndpoint", "FileEndpoint",
        "BlobSecondaryEndpoint", "QueueSecondaryEndpoint", "TableSecondaryEndpoint", "FileSecondaryEndpoint",
    };

    private AzureStorageConnectionString(string accountName, byte[] accountKey, Uri blobEndpoint)
    {
        AccountName = accountName;
        AccountKey = accountKey;
        BlobEndpoint = blobEndpoint;
    }

    /// <summary>The storage account's name, which Shared Key signatures name.</summary>
    public string AccountName { get; }

    /// <summary>The account key, decoded from base64.</summary>
    public byte[] AccountKey { get; }

    /// <summary>The Blob service endpoint without a trailing '/': containers are its next path segment.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>Parses <paramref name="connectionString"/>.</summary>
    /// <exception cref="FormatException">When it is not a usable connection string; the message says what is wrong.</exception>
    public static AzureStorageConnectionString Parse(string? connectionString) =>
        TryParse(connectionString, out var parsed, out var error) ? parsed : throw new FormatException(error);

    /// <summary>Parses <paramref name="connectionString"/>, or says what is wrong with it without quoting it.</summary>
    public static bool TryParse(
        string? connectionString,
        [NotNullWhen(true)] out AzureStorageConnectionString? parsed,
        [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "The connection string is empty.";
            return false;
        }

        if (!TrySplit(connectionString, out var settings, out error))
        {
            return false;
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var development))
        {
            return TryParseDevelopment(settings, development, out parsed, out error);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            error = "The connection string has a SharedAccessSignature; this provider signs with the account key: use a connection string with AccountName and AccountKey.";
            return false;
        }

        if (!settings.TryGetValue("AccountName", out var accountName) || accountName.Length == 0)
        {
            error = "The connection string has no AccountName.";
            return false;
        }

        if (!settings.TryGetValue("AccountKey", out var encodedKey) || encodedKey.Length == 0)
        {
            error = "The connection string has no AccountKey.";
            return false;
        }

        if (!TryDecodeKey(encodedKey, out var accountKey))
        {
            error = "The AccountKey of the connection string is not base64.";
            return false;
        }

        Uri? blobEndpoint;
        if (settings.TryGetValue("BlobEndpoint", out var endpoint))
        {
            if (!TryParseEndpoint(endpoint, out blobEndpoint))
            {
                error = "The BlobEndpoint of the connection string is not an absolute http or https address without query or fragment.";
                return false;
            }
        }
        else
        {
            var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", DefaultProtocol);
            if (!protocol.Equals("https", StringComparison.OrdinalIgnoreCase) && !protocol.Equals("http", StringComparison.OrdinalIgnoreCase))
            {
                error = "The DefaultEndpointsProtocol of the connection string is neither https nor http.";
                return false;
            }

            var suffix = settings.GetValueOrDefault("EndpointSuffix", DefaultEndpointSuffix).Trim('.');
            if (!TryParseEndpoint($"{protocol.ToLowerInvariant()}://{accountName}.blob.{suffix}", out blobEndpoint))
            {
                error = "The AccountName and EndpointSuffix of the connection string do not make a valid host name.";
                return false;
            }
        }

        parsed = new AzureStorageConnectionString(accountName, accountKey, blobEndpoint);
        error = null;
        return true;
    }

    private static bool TryParseDevelopment(
        Dictionary<string, string> settings,
        string value,
        [NotNullWhen(true)] out AzureStorageConnectionString? parsed,
        [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        if (!value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            error = "UseDevelopmentStorage is only ever \"true\"; remove it to use a storage account.";
            return false;
        }

        if (settings.Count > 1)
        {
            error = "UseDevelopmentStorage=true stands alone; for Azurite on another address use BlobEndpoint, AccountName and AccountKey.";
            return false;
        }

        parsed = new AzureStorageConnectionString(DevelopmentAccountName, Convert.FromBase64String(DevelopmentAccountKey), new Uri(DevelopmentBlobEndpoint));
        error = null;
        return true;
    }

    private static bool TrySplit(string connectionString, out Dictionary<string, string> settings, [NotNullWhen(false)] out string? error)
    {
        settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: base64 keys end in '='.
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                error = "The connection string is not a list of Name=Value settings separated by ';'.";
                return false;
            }

            var name = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (s_ignoredSettings.Contains(name))
            {
                continue;
            }

            if (!IsKnown(name))
            {
                error = $"The connection string has the setting '{name}', which is not one of DefaultEndpointsProtocol, AccountName, AccountKey, EndpointSuffix, BlobEndpoint or UseDevelopmentStorage.";
                return false;
            }

            if (!settings.TryAdd(name, value))
            {
                error = $"The connection string has the setting '{name}' twice.";
                return false;
            }
        }

        if (settings.Count == 0)
        {
            error = "The connection string has no settings.";
            return false;
        }

        error = null;
        return true;
    }

    private static bool IsKnown(string name) => name.ToUpperInvariant() switch
    {
        "DEFAULTENDPOINTSPROTOCOL" or "ACCOUNTNAME" or "ACCOUNTKEY" or "ENDPOINTSUFFIX" or "BLOBENDPOINT" or "USEDEVELOPMENTSTORAGE" or "SHAREDACCESSSIGNATURE" => true,
        _ => false,
    };

    private static bool TryDecodeKey(string encoded, [NotNullWhen(true)] out byte[]? key)
    {
        key = new byte[encoded.Length];
        if (Convert.TryFromBase64String(encoded, key, out var written) && written > 0)
        {
            key = key[..written];
            return true;
        }

        key = null;
        return false;
    }

    private static bool TryParseEndpoint(string text, [NotNullWhen(true)] out Uri? endpoint)
    {
        endpoint = null;
        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0)
        {
            return false;
        }

        endpoint = uri;
        return true;
    }
}
