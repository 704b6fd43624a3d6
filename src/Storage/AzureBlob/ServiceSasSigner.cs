using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Makes service shared access signatures (SAS) with the account key, as "Create a service SAS" specifies for signed
/// version <see cref="Version"/>: an HMAC-SHA256 over the signed fields, one per line. Only what Put Block From URL
/// needs is made here: a read-only SAS for one blob, so the service can read a source blob on this account's behalf.
/// </summary>
/// <remarks>Thread-safe: a fresh HMAC is made per signature.</remarks>
internal sealed class ServiceSasSigner
{
    /// <summary>The signed version (<c>sv</c>) of the signatures made here, the first with the encryption scope field.</summary>
    public const string Version = "2020-12-06";

    // Both, so the emulator (http) and the service (https) take the same signatures.
    private const string Protocols = "https,http";

    // Blob resource, read permission.
    private const string Resource = "b";
    private const string Permissions = "r";

    // The service checks the start against its own clock, which may run ahead of ours.
    private static readonly TimeSpan s_clockSkew = TimeSpan.FromMinutes(5);

    private readonly string _accountName;
    private readonly byte[] _accountKey;

    public ServiceSasSigner(string accountName, byte[] accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentNullException.ThrowIfNull(accountKey);
        _accountName = accountName;
        _accountKey = accountKey;
    }

    /// <summary>
    /// A SAS that lets its bearer read one blob from <paramref name="now"/> (less a few minutes, for other clocks) for
    /// <paramref name="lifetime"/>: the query string, without the '?'.
    /// </summary>
    public string CreateBlobReadSas(string container, string blobName, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentException.ThrowIfNullOrEmpty(blobName);

        var start = FormatTime(now - s_clockSkew);
        var expiry = FormatTime(now + lifetime);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_accountKey, Encoding.UTF8.GetBytes(BuildStringToSign(container, blobName, start, expiry))));
        return $"sv={Version}&sp={Permissions}&st={Uri.EscapeDataString(start)}&se={Uri.EscapeDataString(expiry)}&sr={Resource}&spr={Uri.EscapeDataString(Protocols)}&sig={Uri.EscapeDataString(signature)}";
    }

    /// <summary>
    /// The string a blob read SAS signs: permissions, start, expiry, the canonicalized resource, identifier, IP range,
    /// protocols, version, resource type, snapshot time, encryption scope and the five response header overrides
    /// (cache control, disposition, encoding, language, type); the fields this SAS leaves out are empty lines.
    /// </summary>
    public string BuildStringToSign(string container, string blobName, string start, string expiry) => string.Join(
        '\n',
        Permissions,
        start,
        expiry,
        $"/blob/{_accountName}/{container}/{blobName}",
        "",
        "",
        Protocols,
        Version,
        Resource,
        "",
        "",
        "",
        "",
        "",
        "",
        "");

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
