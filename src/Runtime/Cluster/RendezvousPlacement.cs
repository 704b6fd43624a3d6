using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// Where a grain lives: rendezvous (highest random weight) hashing. Every silo weighs every live silo for a grain id
/// and the heaviest owns it, so the owner is a pure function of the grain id and the set of live silos; any two silos
/// with the same view agree without talking, and a silo joining or leaving moves only the grains it wins or held
/// (about 1/N of them), never grains between the others.
/// </summary>
/// <remarks>
/// The weight is the first 8 bytes of SHA-256 over the silo id and the grain id. It must be the same in every process,
/// so <see cref="string.GetHashCode()"/> (randomized per process) will not do, and SHA-256 is at hand everywhere; a few
/// hundred nanoseconds per live silo is nothing beside the call it places.
/// </remarks>
public static class RendezvousPlacement
{
    private const int MaxStackBytes = 512;

    /// <summary>
    /// The owner of <paramref name="grainId"/> among <paramref name="siloIds"/>, whatever their order; <see langword="null"/>
    /// when there are none. Equal weights, which SHA-256 makes practically impossible, go to the ordinally smaller id.
    /// </summary>
    public static string? SelectOwner(GrainId grainId, IEnumerable<string> siloIds)
    {
        ArgumentNullException.ThrowIfNull(siloIds);
        string? owner = null;
        var ownerWeight = 0UL;
        foreach (var siloId in siloIds)
        {
            var weight = Weight(siloId, grainId);
            if (owner is null || weight > ownerWeight || (weight == ownerWeight && string.CompareOrdinal(siloId, owner) < 0))
            {
                owner = siloId;
                ownerWeight = weight;
            }
        }

        return owner;
    }

    /// <summary>The weight of silo <paramref name="siloId"/> for <paramref name="grainId"/>: the same in every process and on every platform.</summary>
    public static ulong Weight(string siloId, GrainId grainId)
    {
        ArgumentNullException.ThrowIfNull(siloId);

        // '\n' cannot occur in a silo id or a grain type, so no two (silo, grain) pairs hash the same text.
        var text = $"{siloId}\n{grainId.Type}/{grainId.Key}";
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = length <= MaxStackBytes ? stackalloc byte[MaxStackBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..written], hash);
            return BinaryPrimitives.ReadUInt64BigEndian(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
