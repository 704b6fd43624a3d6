namespace Uploads.EndToEnd.Tests.Contracts;

/// <summary>One silo of <c>GET /v1/cluster</c>.</summary>
internal sealed record SiloResponse(
    string SiloId,
    string Status,
    string? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset? LastHeartbeat,
    int ActivationCount,
    bool Self);
