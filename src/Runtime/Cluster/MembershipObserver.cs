namespace Uploads.Runtime.Cluster;

/// <summary>
/// Judges which silos are alive from successive readings of the membership table. A silo is alive while its record's
/// entity tag keeps changing, timed by this silo's own clock from the reading that first found the current tag: the
/// clocks of two machines need not agree for one to notice that the other stopped renewing its record, and the time a
/// silo writes in its record is only shown, never trusted. So a silo that starts counts DeadAfter from its first
/// reading before it declares an old record dead; meanwhile a call placed on such a silo finds no listener, and the
/// silo is suspected and passed over at once (<see cref="ClusterMembership.Suspect"/>).
/// </summary>
/// <remarks>Not thread-safe: one reading at a time (the membership serializes its refreshes).</remarks>
internal sealed class MembershipObserver
{
    private Dictionary<string, Observation> _observations = new(StringComparer.Ordinal);

    /// <summary>Builds the view of the records in <paramref name="entries"/>, leaving out the local silo's own.</summary>
    public MembershipObservation Observe(
        IReadOnlyList<MembershipEntry> entries,
        string localSiloId,
        DateTimeOffset now,
        TimeSpan deadAfter,
        TimeSpan deadSiloRetention)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var observations = new Dictionary<string, Observation>(StringComparer.Ordinal);
        var others = new List<ViewedSilo>(entries.Count);
        var stale = new List<MembershipEntry>();
        var expired = new List<MembershipEntry>();
        foreach (var entry in entries)
        {
            var record = entry.Record;
            if (record.SiloId == localSiloId)
            {
                continue;
            }

            var changedAt = _observations.TryGetValue(record.SiloId, out var seen) && seen.ETag == entry.ETag ? seen.ChangedAt : now;

            observations[record.SiloId] = new Observation(entry.ETag, changedAt);

            SiloStatus status;
            if (record.Status == SiloStatus.Dead)
            {
                status = SiloStatus.Dead;
                if (now - record.LastHeartbeat > deadSiloRetention)
                {
                    expired.Add(entry);
                }
            }
            else if (now - changedAt > deadAfter)
            {
                status = SiloStatus.Dead;
                stale.Add(entry);
            }
            else
            {
                // Only Active and Leaving are ever written by a live silo; anything else cannot own grains.
                status = record.Status == SiloStatus.Leaving ? SiloStatus.Leaving : SiloStatus.Active;
            }

            var address = Uri.TryCreate(record.Address, UriKind.Absolute, out var uri) ? uri : null;
            others.Add(new ViewedSilo(record, status, address));
        }

        _observations = observations;
        return new MembershipObservation(new MembershipView(others), stale, expired);
    }

    private readonly record struct Observation(string ETag, DateTimeOffset ChangedAt);
}
