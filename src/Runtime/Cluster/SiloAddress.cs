namespace Uploads.Runtime.Cluster;

/// <summary>A silo that owns a grain, and where to forward its calls.</summary>
/// <param name="SiloId">The silo's id.</param>
/// <param name="Address">Its internal URL; <see langword="null"/> when it is this silo.</param>
internal sealed record SiloAddress(string SiloId, Uri? Address);
