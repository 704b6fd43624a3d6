using System.Diagnostics.CodeAnalysis;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// The process's one connection to Azure Blob Storage (or Azurite): the configured <see cref="BlobServiceClient"/>
/// that the block store and the state store share, and the settings it was made from, for any other component that
/// speaks to the same account (Orleans' Azure providers, say): reuse <see cref="Client"/>, or make a client of another
/// service from <see cref="ConnectionString"/> or from <see cref="Credential"/>.
/// </summary>
/// <remarks>
/// <c>AddUploadsStorage</c> registers one as a singleton, with its <see cref="BlobServiceClient"/> registered through
/// <c>Microsoft.Extensions.Azure</c> (<c>AddAzureClients</c>); both are made on first use, and only when the provider
/// is "AzureBlob". The client is thread-safe.
/// </remarks>
public sealed class AzureBlobConnection
{
    /// <summary>
    /// The service version asked of an emulator: Azurite 3.37 refuses the SDK's newer default (2026-10-06) and accepts
    /// at most this one, which has everything the stores use.
    /// </summary>
    public const BlobClientOptions.ServiceVersion EmulatorServiceVersion = BlobClientOptions.ServiceVersion.V2026_06_06;

    private const string EmulatorAccountName = "devstoreaccount1";

    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(5);

    // Connections are renewed now and then so that a change of the endpoint's address (a failover) is picked up.
    private static readonly TimeSpan s_pooledConnectionLifetime = TimeSpan.FromMinutes(5);

    private AzureBlobConnection(BlobServiceClient client, AzureBlobStorageOptions options, TokenCredential? credential, bool isEmulator)
    {
        Client = client;
        ConnectionString = string.IsNullOrEmpty(options.ConnectionString) ? null : options.ConnectionString;
        Credential = ConnectionString is null ? credential : null;
        IsEmulator = isEmulator;
        Container = options.Container;
        StateContainer = options.GetStateContainer();
        RequestTimeout = options.RequestTimeout;
    }

    /// <summary>The client of the account's Blob service, with this provider's retries and timeouts.</summary>
    public BlobServiceClient Client { get; }

    /// <summary>The Blob service endpoint, for example <c>https://myaccount.blob.core.windows.net/</c> or <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => Client.Uri;

    /// <summary>The connection string configured, or null when the account is named by its service URI.</summary>
    public string? ConnectionString { get; }

    /// <summary>The credential that authorizes <see cref="Client"/> when there is no connection string (then never null).</summary>
    public TokenCredential? Credential { get; }

    /// <summary>
    /// Whether the endpoint is an emulator (on this machine, or with Azurite's account name): then the service version is
    /// <see cref="EmulatorServiceVersion"/>, and blocks carry no CRC64, which Azurite cannot check.
    /// </summary>
    public bool IsEmulator { get; }

    /// <summary>The container of the blobs of uploads.</summary>
    public string Container { get; }

    /// <summary>The container of grain state and membership records.</summary>
    public string StateContainer { get; }

    /// <summary>How long one attempt may wait for the service; for a block's body, the time allowed without progress.</summary>
    internal TimeSpan RequestTimeout { get; }

    /// <summary>
    /// Makes the client that <paramref name="options"/> describe: from <see cref="AzureBlobStorageOptions.ConnectionString"/>,
    /// or from <see cref="AzureBlobStorageOptions.ServiceUri"/> with <paramref name="credential"/>. Nothing is sent yet.
    /// </summary>
    /// <exception cref="ArgumentException">When neither is set, or the connection string or URI cannot be used.</exception>
    public static AzureBlobConnection Create(AzureBlobStorageOptions options, TokenCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            if (!TryGetEndpoint(options.ConnectionString, out var endpoint, out var error))
            {
                throw new ArgumentException($"{StorageOptions.SectionName}:AzureBlob:ConnectionString cannot be used: {error}.", nameof(options));
            }

            var isEmulator = IsEmulatorEndpoint(endpoint);
            var client = new BlobServiceClient(options.ConnectionString, CreateClientOptions(options, isEmulator));
            return new AzureBlobConnection(client, options, credential, isEmulator);
        }

        if (!Uri.TryCreate(options.ServiceUri, UriKind.Absolute, out var serviceUri))
        {
            throw new ArgumentException($"Set {StorageOptions.SectionName}:AzureBlob:ConnectionString or {StorageOptions.SectionName}:AzureBlob:ServiceUri.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(credential);
        var emulator = IsEmulatorEndpoint(serviceUri);
        return new AzureBlobConnection(new BlobServiceClient(serviceUri, credential, CreateClientOptions(options, emulator)), options, credential, emulator);
    }

    /// <summary>
    /// Reads where <paramref name="connectionString"/> points, as the SDK reads it, or says why it cannot (without
    /// quoting it: it may hold a key).
    /// </summary>
    internal static bool TryGetEndpoint(string connectionString, [NotNullWhen(true)] out Uri? endpoint, [NotNullWhen(false)] out string? error)
    {
        try
        {
            // A client with the SDK's defaults costs nothing and sends nothing.
            endpoint = new BlobServiceClient(connectionString).Uri;
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            endpoint = null;
            error = ex is FormatException && ex.Message.Contains("Base-64", StringComparison.OrdinalIgnoreCase)
                ? "its AccountKey is not base64"
                : "the Azure SDK does not read it as a connection string with a Blob endpoint";
            return false;
        }
    }

    /// <summary>Whether <paramref name="endpoint"/> is taken for an emulator: on this machine, or named for Azurite's account.</summary>
    internal static bool IsEmulatorEndpoint(Uri endpoint) =>
        endpoint.IsLoopback ||
        endpoint.Segments is [_, var account, ..] && string.Equals(account.TrimEnd('/'), EmulatorAccountName, StringComparison.Ordinal);

    private static BlobClientOptions CreateClientOptions(AzureBlobStorageOptions options, bool isEmulator)
    {
        var clientOptions = isEmulator ? new BlobClientOptions(EmulatorServiceVersion) : new BlobClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryBaseDelay;
        clientOptions.Retry.MaxDelay = s_maxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        clientOptions.Transport = new HttpClientTransport(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = s_pooledConnectionLifetime,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
        });
        clientOptions.AddPolicy(new BlobCall.Policy(), HttpPipelinePosition.PerRetry);
        return clientOptions;
    }
}
