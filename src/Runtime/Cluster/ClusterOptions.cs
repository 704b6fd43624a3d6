namespace Uploads.Runtime.Cluster;

/// <summary>
/// How this silo joins a cluster of silos, bound from configuration section <c>Uploads:Cluster</c>. With
/// <see cref="InternalUrl"/> empty the silo runs alone, as a single silo always did: no membership records, no
/// internal endpoint, every grain local.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Uploads:Cluster";

    /// <summary>
    /// This silo's name in the membership: one storage name segment (<c>[A-Za-z0-9._~-]</c>), at most 64 characters,
    /// unique in the cluster. A process that joins with the id of a running one replaces it, and the older one stops
    /// serving grain calls. Default: "" (the machine name and a random suffix, chosen when the silo starts).
    /// </summary>
    public string SiloId { get; set; } = "";

    /// <summary>
    /// Where the other silos reach this one: an absolute <c>http</c> or <c>https</c> URL with an explicit port and a
    /// host they can dial (not a wildcard such as 0.0.0.0). The silo listens there, beside its public URLs, and serves
    /// nothing but the silo-to-silo endpoint on it. Default: "" (a single silo, not a cluster).
    /// </summary>
    public string InternalUrl { get; set; } = "";

    /// <summary>
    /// The secret every silo of the cluster shares, at least 16 characters; the internal endpoint answers nothing to a
    /// request without it. Required when <see cref="InternalUrl"/> is set; keep it out of files under version control
    /// (set <c>Uploads__Cluster__Key</c>). Default: "".
    /// </summary>
    public string Key { get; set; } = "";

    /// <summary>How often this silo renews its membership record and reads the others'. Default: 2 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a silo's record may go unrenewed before the others declare it dead and take over its grains; also how
    /// long a silo that cannot renew its own record keeps serving (a heartbeat less, to be safe) before it fences
    /// itself. At least three heartbeat intervals. Default: 8 seconds.
    /// </summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// On a graceful stop, how long the silo, after leaving the membership, waits for the grain calls under way on it
    /// before it deactivates its grains anyway. Default: 10 seconds.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a grain call forwarded to its owner silo may take before the caller gives up (503, retry). Default: 30 seconds.</summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the record of a dead silo stays listed (as dead) before any silo deletes it. Default: 1 hour.</summary>
    public TimeSpan DeadSiloRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether this silo is part of a cluster: <see cref="InternalUrl"/> is set.</summary>
    public bool IsClustered => !string.IsNullOrWhiteSpace(InternalUrl);
}
