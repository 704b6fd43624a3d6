namespace Uploads.Runtime;

/// <summary>
/// A record of grain state held in memory by one activation and stored with an entity tag. Every write is
/// conditional on the tag read or last written: a write that finds another version throws
/// <see cref="InconsistentStateException"/>, after which the runtime discards the activation, reloads the
/// state in a new one and retries the call. State is never overwritten blindly.
/// </summary>
public interface IPersistentState<TState>
    where TState : class, new()
{
    /// <summary>The state held in memory; a new <typeparamref name="TState"/> when no record exists.</summary>
    TState State { get; set; }

    /// <summary>The entity tag of the stored version this state came from, or <see langword="null"/> when none is stored.</summary>
    string? Etag { get; }

    /// <summary>Whether a stored record exists.</summary>
    bool RecordExists { get; }

    /// <summary>Reads the stored record into <see cref="State"/>.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>, conditional on <see cref="Etag"/> (create-only when no record exists).</summary>
    /// <exception cref="InconsistentStateException">Another version was written since this one was read.</exception>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the stored record, conditional on <see cref="Etag"/>, and resets <see cref="State"/>.</summary>
    /// <exception cref="InconsistentStateException">Another version was written since this one was read.</exception>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
