using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Signs requests to the Blob service with the account key, as "Authorize with Shared Key" specifies for version
/// 2009-09-19 and later: an HMAC-SHA256 over the verb, twelve standard headers, the canonicalized <c>x-ms-</c>
/// headers and the canonicalized resource.
/// </summary>
/// <remarks>
/// The canonicalized resource is "/" + account + the request's path, so an account-in-the-path endpoint (Azurite's
/// <c>http://127.0.0.1:10000/devstoreaccount1</c>) names the account twice, as the service expects. Thread-safe: a
/// fresh HMAC is made per signature.
/// </remarks>
internal sealed class SharedKeyCredential
{
    private readonly byte[] _accountKey;

    public SharedKeyCredential(string accountName, byte[] accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentNullException.ThrowIfNull(accountKey);
        AccountName = accountName;
        _accountKey = accountKey;
    }

    public string AccountName { get; }

    /// <summary>Sets <c>x-ms-date</c> to <paramref name="now"/> and the <c>Authorization</c> header of <paramref name="request"/>.</summary>
    public void Sign(HttpRequestMessage request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove("x-ms-date");
        request.Headers.TryAddWithoutValidation("x-ms-date", now.UtcDateTime.ToString("R", CultureInfo.InvariantCulture));

        var signature = HMACSHA256.HashData(_accountKey, Encoding.UTF8.GetBytes(BuildStringToSign(request)));
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {AccountName}:{Convert.ToBase64String(signature)}");
    }

    /// <summary>The string that <see cref="Sign"/> signs for <paramref name="request"/> as it stands.</summary>
    public string BuildStringToSign(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.RequestUri);

        var content = request.Content?.Headers;

        // From version 2015-02-21 on, a Content-Length of zero is signed as an empty string.
        var contentLength = content?.ContentLength is { } length and > 0 ? length.ToString(CultureInfo.InvariantCulture) : "";

        var builder = new StringBuilder(256)
            .Append(request.Method.Method).Append('\n')
            .Append(Value(content, "Content-Encoding")).Append('\n')
            .Append(Value(content, "Content-Language")).Append('\n')
            .Append(contentLength).Append('\n')
            .Append(Value(content, "Content-MD5")).Append('\n')
            .Append(Value(content, "Content-Type")).Append('\n')
            .Append(Value(request.Headers, "Date")).Append('\n')
            .Append(Value(request.Headers, "If-Modified-Since")).Append('\n')
            .Append(Value(request.Headers, "If-Match")).Append('\n')
            .Append(Value(request.Headers, "If-None-Match")).Append('\n')
            .Append(Value(request.Headers, "If-Unmodified-Since")).Append('\n')
            .Append(Value(request.Headers, "Range")).Append('\n');
        AppendCanonicalizedHeaders(builder, request);
        AppendCanonicalizedResource(builder, request.RequestUri);
        return builder.ToString();
    }

    private static string Value(System.Net.Http.Headers.HttpHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private static void AppendCanonicalizedHeaders(StringBuilder builder, HttpRequestMessage request)
    {
        // Names lowercased and sorted. The service sorts with a culture-style comparison that ignores '-'; for the
        // headers this client sends ("x-ms-" and then letters, digits and '-', metadata names without '-') that order
        // is the ordinal one, which the pinned signatures of the tests confirm.
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            if (name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                var key = name.ToLowerInvariant();
                var value = string.Join(",", values).Trim();
                headers[key] = headers.TryGetValue(key, out var existing) ? existing + "," + value : value;
            }
        }

        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    private void AppendCanonicalizedResource(StringBuilder builder, Uri uri)
    {
        builder.Append('/').Append(AccountName).Append(uri.AbsolutePath);

        var query = uri.Query;
        if (query.Length <= 1)
        {
            return;
        }

        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!parameters.TryGetValue(name, out var values))
            {
                parameters[name] = values = [];
            }

            values.Add(value);
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').Append(string.Join(",", values));
        }
    }
}
