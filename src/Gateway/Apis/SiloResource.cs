using Uploads.Runtime.Cluster;

namespace Uploads.Gateway.Apis;

/// <summary>
/// One silo in the answer to <c>GET /v1/cluster</c>. Times are UTC <see cref="DateTime"/>s so they serialize as
/// RFC 3339 with a 'Z'; <see cref="LastHeartbeat"/> is by the silo's own clock.
/// </summary>
/// <param name="SiloId">The silo's id.</param>
/// <param name="Status"><c>active</c>, <c>leaving</c>, <c>dead</c>, or (the silo asked only) <c>fenced</c>.</param>
/// <param name="Address">Its internal URL; null for a single silo.</param>
/// <param name="StartedAt">When it joined.</param>
/// <param name="LastHeartbeat">When it last renewed its membership; null for a single silo.</param>
/// <param name="ActivationCount">Its active grains: now for the silo asked, at its last heartbeat for the others.</param>
/// <param name="Self">Whether this is the silo that answered.</param>
public sealed record SiloResource(
    string SiloId,
    string Status,
    string? Address,
    DateTime StartedAt,
    DateTime? LastHeartbeat,
    int ActivationCount,
    bool Self)
{
    /// <summary>The resource of <paramref name="silo"/>.</summary>
    public static SiloResource From(SiloInfo silo) => new(
        silo.SiloId,
        StatusName(silo.Status),
        silo.Address?.GetLeftPart(UriPartial.Authority),
        silo.StartedAt.UtcDateTime,
        silo.LastHeartbeat?.UtcDateTime,
        silo.ActivationCount,
        silo.IsSelf);

    /// <summary>The API name of a silo status.</summary>
    public static string StatusName(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Leaving => "leaving",
        SiloStatus.Dead => "dead",
        _ => "fenced",
    };
}
