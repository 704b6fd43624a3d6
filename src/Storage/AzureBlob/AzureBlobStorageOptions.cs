namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Settings of the AzureBlob provider (section <c>Uploads:Storage:AzureBlob</c>), which keeps everything in an Azure
/// storage account, or in Azurite, through the Azure SDK (<c>Azure.Storage.Blobs</c>).
/// </summary>
/// <remarks>
/// <para>
/// The account is named one of two ways: <see cref="ConnectionString"/> (which carries a key or a SAS), or
/// <see cref="ServiceUri"/>, authorized by <c>DefaultAzureCredential</c> (a managed or workload identity, environment
/// variables, the Azure CLI's login), so that no key is configured at all. Exactly one of the two is set.
/// </para>
/// <para>
/// With the defaults, a store that cannot be reached (connections refused or never established) fails an operation
/// within a few seconds: <see cref="MaxRetries"/> + 1 attempts of at most <see cref="ConnectTimeout"/> each, with
/// exponential delays from <see cref="RetryBaseDelay"/> between them. A store that accepts connections but never answers
/// costs up to (<see cref="MaxRetries"/> + 1) × <see cref="RequestTimeout"/> plus the delays.
/// </para>
/// </remarks>
public sealed class AzureBlobStorageOptions
{
    /// <summary>
    /// The storage account's connection string, as the Azure portal or Azurite writes it (<c>AccountName</c> and
    /// <c>AccountKey</c> with <c>DefaultEndpointsProtocol</c> and <c>EndpointSuffix</c> or with <c>BlobEndpoint</c>), or
    /// <c>UseDevelopmentStorage=true</c> for Azurite on 127.0.0.1:10000. It holds the account key: keep it out of
    /// files under version control (set <c>Uploads__Storage__AzureBlob__ConnectionString</c>). Default: "" (then
    /// <see cref="ServiceUri"/> is required).
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The Blob service endpoint of the account, for example <c>https://myaccount.blob.core.windows.net</c>, used with
    /// <c>DefaultAzureCredential</c> instead of a connection string. The identity needs the role "Storage Blob Data
    /// Contributor" on the account (Put Block From URL and the user delegation key of concatenation need its
    /// "Storage Blob Delegator" part too, which that role includes). Default: "" (then <see cref="ConnectionString"/> is required).
    /// </summary>
    public string ServiceUri { get; set; } = "";

    /// <summary>The container that holds the blobs of uploads; created on start when missing. Default: "uploads".</summary>
    public string Container { get; set; } = "uploads";

    /// <summary>
    /// The container that holds grain state and membership records; created on start when missing. It must differ
    /// from <see cref="Container"/>. Default: "" (meaning <see cref="Container"/> followed by "-state").
    /// </summary>
    public string StateContainer { get; set; } = "";

    /// <summary>
    /// How long one attempt may wait for the service (the SDK's network timeout): for its answer, and for each read of
    /// a download. While a block is sent it is the time allowed without progress, so a slow client never times out a
    /// block that keeps moving. Default: 5 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt may take to open a connection (TCP and TLS). Default: 2 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many times the SDK retries an operation after a transient failure (408, 429, 500, 502, 503, 504, a dropped
    /// connection or a timeout). A block whose body cannot be read again is not retried once its bytes were read: the
    /// client re-sends the chunk instead. Default: 3.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The delay before the first retry; each further retry waits about twice as long (at most 5 seconds), with the
    /// SDK's jitter so that silos that failed together do not retry together. Default: 250 milliseconds.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The state container in effect: <see cref="StateContainer"/>, or <see cref="Container"/> + "-state" when it is empty.</summary>
    public string GetStateContainer() => string.IsNullOrEmpty(StateContainer) ? Container + "-state" : StateContainer;
}
