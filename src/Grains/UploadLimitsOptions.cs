namespace Uploads.Grains;

/// <summary>Limits on sizes and counts, bound from configuration section <c>Uploads:Limits</c>.</summary>
public sealed class UploadLimitsOptions
{
    /// <summary>Azure's largest block (4,000 MiB): a chunk is one block, so no chunk may be larger.</summary>
    public const long MaxBlockSize = 4000L * 1024 * 1024;

    /// <summary>Azure's most committed blocks per blob: a chunk is one block, so no upload may have more.</summary>
    public const int MaxBlocksPerBlob = 50_000;

    /// <summary>The largest upload accepted, in bytes. Default: 1 TiB.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 40;

    /// <summary>The smallest chunk size a client may ask for (the last chunk may be smaller). Default: 64 KiB.</summary>
    public long MinChunkSize { get; set; } = 64 * 1024;

    /// <summary>The largest chunk size a client may ask for, and the largest chunk body accepted. Default: 512 MiB.</summary>
    public long MaxChunkSize { get; set; } = 512L * 1024 * 1024;

    /// <summary>The chunk size chosen when a client leaves it open, raised for large files to stay within <see cref="MaxChunkCount"/>. Default: 8 MiB.</summary>
    public long DefaultChunkSize { get; set; } = 8L * 1024 * 1024;

    /// <summary>The most chunks one upload may have. Default: 10,000.</summary>
    public int MaxChunkCount { get; set; } = 10_000;

    /// <summary>The most uploads a tenant may have that are neither completed, aborted nor expired. Default: 1,000.</summary>
    public int MaxActiveUploadsPerTenant { get; set; } = 1_000;

    /// <summary>The requests per second a tenant may make on average (a token bucket refilled every second). Default: 1,000.</summary>
    public int RequestsPerSecond { get; set; } = 1_000;

    /// <summary>The requests a tenant may make in a burst above <see cref="RequestsPerSecond"/>. Default: 2,000.</summary>
    public int RequestBurst { get; set; } = 2_000;
}
