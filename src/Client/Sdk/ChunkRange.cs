using System.Text.Json.Serialization;
using Uploads.Client.Serialization;

namespace Uploads.Client;

/// <summary>An inclusive range of chunk indices, <c>[first, last]</c> on the wire (<c>receivedChunks</c>, <c>missingChunks</c>).</summary>
/// <param name="First">The first index of the range.</param>
/// <param name="Last">The last index of the range, at least <paramref name="First"/>.</param>
[JsonConverter(typeof(ChunkRangeJsonConverter))]
public readonly record struct ChunkRange(int First, int Last)
{
    /// <summary>How many indices the range holds.</summary>
    public int Count => Last - First + 1;

    /// <summary>Whether <paramref name="index"/> lies in the range.</summary>
    public bool Contains(int index) => index >= First && index <= Last;

    public override string ToString() => First == Last ? $"{First}" : $"{First}-{Last}";
}
