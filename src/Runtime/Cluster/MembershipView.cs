using System.Collections.Frozen;

namespace Uploads.Runtime.Cluster;

/// <summary>An immutable snapshot of the other silos as this silo sees them; replaced whole on every refresh.</summary>
internal sealed class MembershipView
{
    public MembershipView(IEnumerable<ViewedSilo> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        Others = others.OrderBy(silo => silo.Record.SiloId, StringComparer.Ordinal).ToArray();
        ActiveOthers = Others
            .Where(silo => silo.Status == SiloStatus.Active && silo.Address is not null)
            .ToFrozenDictionary(silo => silo.Record.SiloId, silo => silo.Address!, StringComparer.Ordinal);
    }

    /// <summary>A view with no other silo, before the first refresh.</summary>
    public static MembershipView Empty { get; } = new([]);

    /// <summary>The other silos with a record, dead ones included, ordered by id.</summary>
    public IReadOnlyList<ViewedSilo> Others { get; }

    /// <summary>The other silos that may own grains (active), with their internal URLs.</summary>
    public FrozenDictionary<string, Uri> ActiveOthers { get; }
}
