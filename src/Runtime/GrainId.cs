namespace Uploads.Runtime;

/// <summary>
/// Identifies one grain: its type (the name it was registered under) and its key. A grain with a given
/// id always exists, virtually; an activation of it is created on the first call.
/// </summary>
/// <param name="Type">The grain type name, e.g. "upload".</param>
/// <param name="Key">The grain's key within its type; a valid storage name (see <c>StorageNames</c>).</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
