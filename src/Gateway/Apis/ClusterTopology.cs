namespace Uploads.Gateway.Apis;

/// <summary>How the silo was set up to find its peers.</summary>
/// <param name="IsClustered">True when a clustering provider is configured (<c>Orleans:Clustering</c>); false for the one-silo localhost default.</param>
public sealed record ClusterTopology(bool IsClustered);
