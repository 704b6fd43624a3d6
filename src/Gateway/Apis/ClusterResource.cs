namespace Uploads.Gateway.Apis;

/// <summary>The answer to <c>GET /v1/cluster</c>: the silos as the silo asked sees them.</summary>
/// <param name="SiloId">The id of the silo that answered.</param>
/// <param name="Clustered">False for a single silo, which lists only itself.</param>
/// <param name="Silos">Every silo of its view, itself included, dead ones until their records are deleted; ordered by id.</param>
public sealed record ClusterResource(string SiloId, bool Clustered, IReadOnlyList<SiloResource> Silos);
