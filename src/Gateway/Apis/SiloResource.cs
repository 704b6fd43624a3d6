
namespace Uploads.Gateway.Apis;

/// <summary>One silo of <c>GET /v1/cluster</c>.</summary>
/// <param name="SiloId">The silo's name (<c>Orleans:Name</c>, or the name Orleans gave it).</param>
/// <param name="Status">active, joining, leaving or dead.</param>
/// <param name="Address">Never set: silo-to-silo addresses are not shown to tenants.</param>
/// <param name="StartedAt">When the silo started.</param>
/// <param name="LastHeartbeat">When the silo last renewed its membership record; only in a cluster.</param>
/// <param name="ActivationCount">The grain activations the silo holds.</param>
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
    public static SiloResource From(MembershipEntry silo, int activationCount, bool self, bool clustered) => new(
        silo.SiloName,
        StatusName(silo.Status),
        Address: null,
        silo.StartTime,
        clustered ? silo.IAmAliveTime : null,
        activationCount,
        self);

    public static string StatusName(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Created or SiloStatus.Joining => "joining",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "leaving",
        _ => "dead",
    };
}
