namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Settings of the AzureBlob provider (section <c>Uploads:Storage:AzureBlob</c>), which speaks the Blob service REST
/// API to an Azure storage account or to Azurite.
/// </summary>
/// <remarks>
/// With the defaults, a store that cannot be reached (connections refused or never established) fails an operation
/// within about ten seconds: <see cref="MaxRetries"/> + 1 attempts of at most <see cref="ConnectTimeout"/> each, with
/// backoff delays of about 0.25, 0.5 and 1 s between them. A store that accepts connections but never answers costs
/// up to (<see cref="MaxRetries"/> + 1) × <see cref="RequestTimeout"/> plus the delays.
/// </remarks>
public sealed class AzureBlobStorageOptions
{
    /// <summary>
    /// The storage account's connection string, as the Azure portal or Azurite writes it: <c>AccountName</c> and
    /// <c>AccountKey</c> with <c>DefaultEndpointsProtocol</c> and <c>EndpointSuffix</c> or with <c>BlobEndpoint</c>, or
    /// <c>UseDevelopmentStorage=true</c> for Azurite on its default port. It holds the account key: keep it out of
    /// files under version control (set <c>Uploads__Storage__AzureBlob__ConnectionString</c>). Default: "" (required
    /// when the provider is "AzureBlob").
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The container that holds the blobs of uploads; created on start when missing. Default: "uploads".</summary>
    public string Container { get; set; } = "uploads";

    /// <summary>
    /// The container that holds grain state and membership records; created on start when missing. It must differ
    /// from <see cref="Container"/>. Default: "" (meaning <see cref="Container"/> followed by "-state").
    /// </summary>
    public string StateContainer { get; set; } = "";

    /// <summary>
    /// How long one attempt may wait for the service: for its answer, and while a block is sent, for each further
    /// piece of the body to be taken. A slow client therefore never times out a block that keeps moving. Default: 5 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt may take to open a connection (TCP and TLS). Default: 2 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many times an operation is retried after a transient failure (408, 429, 500, 502, 503, 504, a dropped
    /// connection or a timeout). A block whose body cannot be read again is not retried once its bytes were sent:
    /// the client re-sends the chunk instead. Default: 3.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The delay before the first retry; each further retry waits twice as long (at most 5 seconds), scaled by a random
    /// factor between 0.5 and 1.5 so that silos that failed together do not retry together. Default: 250 milliseconds.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The state container in effect: <see cref="StateContainer"/>, or <see cref="Container"/> + "-state" when it is empty.</summary>
    public string GetStateContainer() => string.IsNullOrEmpty(StateContainer) ? Container + "-state" : StateContainer;
}
