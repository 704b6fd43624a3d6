namespace Uploads.Runtime;

/// <summary>One grain registered with <see cref="GrainRuntimeServiceCollectionExtensions.AddGrain{TGrainInterface, TGrain}"/>.</summary>
/// <param name="GrainType">The grain type name, the <see cref="GrainId.Type"/> of its grains.</param>
/// <param name="InterfaceType">The grain interface callers hold references of.</param>
/// <param name="GrainClass">The <see cref="Grain"/> class activations are instances of.</param>
internal sealed record GrainRegistration(string GrainType, Type InterfaceType, Type GrainClass);
