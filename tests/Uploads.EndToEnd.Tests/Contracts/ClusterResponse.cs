namespace Uploads.EndToEnd.Tests.Contracts;

/// <summary>The answer to <c>GET /v1/cluster</c> as a client reads it.</summary>
internal sealed record ClusterResponse(string SiloId, bool Clustered, SiloResponse[] Silos);
