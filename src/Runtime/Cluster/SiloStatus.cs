namespace Uploads.Runtime.Cluster;

/// <summary>Where a silo is in its membership of the cluster, as one silo sees it.</summary>
public enum SiloStatus
{
    /// <summary>Renewing its record in time: it owns grains and serves their calls.</summary>
    Active,

    /// <summary>Stopping gracefully: it owns no grains any more and finishes the calls under way.</summary>
    Leaving,

    /// <summary>Its record went unrenewed for longer than <see cref="ClusterOptions.DeadAfter"/>, or it was declared dead; its grains live elsewhere.</summary>
    Dead,

    /// <summary>
    /// Only for the silo itself: it could not renew its record in time (the store did not answer), or another process
    /// took its silo id over, so it owns no grains and refuses grain calls until it renews its record again.
    /// </summary>
    Fenced,
}
