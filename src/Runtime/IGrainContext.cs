namespace Uploads.Runtime;

/// <summary>What a grain activation may ask of the runtime. Injected into the grain's constructor.</summary>
public interface IGrainContext
{
    /// <summary>The id of the grain this activation is of.</summary>
    GrainId GrainId { get; }

    /// <summary>
    /// Gets a persistent state of this grain, stored under <c>{stateName}/{grain key}[/{subKey}]</c>. The state is
    /// not read yet: the grain calls <see cref="IPersistentState{TState}.ReadStateAsync"/> (usually in
    /// <see cref="Grain.OnActivateAsync"/>). Asking twice for the same name and sub-key returns the same object.
    /// </summary>
    /// <param name="stateName">The state's name, one valid storage name segment; names are shared by all grains of a type.</param>
    /// <param name="subKey">An optional further segment, for grains that keep their state in several records.</param>
    IPersistentState<TState> GetPersistentState<TState>(string stateName, string? subKey = null)
        where TState : class, new();

    /// <summary>Asks the runtime to deactivate this activation once the current call has finished.</summary>
    void DeactivateOnIdle();
}
