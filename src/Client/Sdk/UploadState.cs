using System.Text.Json.Serialization;
using Uploads.Client.Serialization;

namespace Uploads.Client;

/// <summary>
/// The state of an upload (API.md): <see cref="Created"/> → <see cref="Uploading"/> → <see cref="Completing"/> →
/// <see cref="Completed"/>, or the other terminal states <see cref="Aborted"/> and <see cref="Expired"/>.
/// </summary>
/// <remarks>
/// An extensible enumeration, as the Azure SDK guidelines recommend for service enumerations: a state a newer
/// server adds is carried as its name instead of failing deserialization.
/// </remarks>
[JsonConverter(typeof(UploadStateJsonConverter))]
public readonly struct UploadState : IEquatable<UploadState>
{
    private readonly string? _value;

    /// <summary>A state named <paramref name="value"/> as the API spells it (<c>uploading</c>, say).</summary>
    public UploadState(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>Created, no chunk received yet.</summary>
    public static UploadState Created { get; } = new("created");

    /// <summary>At least one chunk received; not completed.</summary>
    public static UploadState Uploading { get; } = new("uploading");

    /// <summary>The chunks are being committed into one blob; the next status or complete call finishes it.</summary>
    public static UploadState Completing { get; } = new("completing");

    /// <summary>Committed: the content can be downloaded and <see cref="UploadResource.Result"/> is set.</summary>
    public static UploadState Completed { get; } = new("completed");

    /// <summary>Aborted by its owner; its staged bytes are released.</summary>
    public static UploadState Aborted { get; } = new("aborted");

    /// <summary>Not completed within the server's time to live; its staged bytes are released.</summary>
    public static UploadState Expired { get; } = new("expired");

    /// <summary>Whether no operation can change the upload any more (completed, aborted or expired).</summary>
    public bool IsTerminal => this == Completed || this == Aborted || this == Expired;

    public static bool operator ==(UploadState left, UploadState right) => left.Equals(right);

    public static bool operator !=(UploadState left, UploadState right) => !left.Equals(right);

    /// <summary>The state named <paramref name="value"/>.</summary>
    public static implicit operator UploadState(string value) => new(value);

    public bool Equals(UploadState other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is UploadState other && Equals(other);

    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The state's name as the API spells it.</summary>
    public override string ToString() => _value ?? "";
}
