using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Uploads.Runtime;

/// <summary>The registered grains, by interface and by type name, and the described methods of their interfaces.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, GrainRegistration> _byInterface;
    private readonly FrozenDictionary<string, GrainRegistration> _byType;
    private readonly FrozenDictionary<(string GrainType, string MethodKey), GrainMethod> _byKey;
    private readonly ConcurrentDictionary<MethodInfo, GrainMethod> _methods = new();

    public GrainTypeRegistry(IEnumerable<GrainRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var byInterface = new Dictionary<Type, GrainRegistration>();
        var byType = new Dictionary<string, GrainRegistration>(StringComparer.Ordinal);
        var byKey = new Dictionary<(string GrainType, string MethodKey), GrainMethod>();

        // The same AddGrain call made twice (by two modules, say) is one registration.
        foreach (var registration in registrations.Distinct())
        {
            if (!byInterface.TryAdd(registration.InterfaceType, registration))
            {
                throw new InvalidOperationException($"Grain interface {registration.InterfaceType} is registered twice, as '{byInterface[registration.InterfaceType].GrainType}' and as '{registration.GrainType}'; call AddGrain once per interface.");
            }

            if (!byType.TryAdd(registration.GrainType, registration))
            {
                throw new InvalidOperationException($"Grain type name '{registration.GrainType}' is used by both {byType[registration.GrainType].InterfaceType} and {registration.InterfaceType}; give each grain its own name.");
            }

            foreach (var method in MethodsOf(registration.InterfaceType))
            {
                var described = _methods.GetOrAdd(method, GrainMethod.Create);
                byKey[(registration.GrainType, described.Key)] = described;
            }
        }

        _byInterface = byInterface.ToFrozenDictionary();
        _byType = byType.ToFrozenDictionary(StringComparer.Ordinal);
        _byKey = byKey.ToFrozenDictionary();
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a method of <paramref name="interfaceType"/> cannot be a grain call.</summary>
    public static void ValidateInterface(Type interfaceType)
    {
        foreach (var method in MethodsOf(interfaceType))
        {
            GrainMethod.Create(method);
        }
    }

    /// <summary>The registration of the grain behind <paramref name="interfaceType"/>.</summary>
    public GrainRegistration GetByInterface(Type interfaceType) =>
        _byInterface.TryGetValue(interfaceType, out var registration)
            ? registration
            : throw new InvalidOperationException($"No grain implements {interfaceType}; register one with services.AddGrain<{interfaceType.Name}, TGrain>(grainType).");

    /// <summary>The registration of the grains of type name <paramref name="grainType"/>.</summary>
    public GrainRegistration GetByType(string grainType) =>
        _byType.TryGetValue(grainType, out var registration)
            ? registration
            : throw new InvalidOperationException($"No grain is registered under the type name '{grainType}'; register one with services.AddGrain<TGrainInterface, TGrain>(\"{grainType}\").");

    /// <summary>The description of a grain interface method.</summary>
    public GrainMethod GetMethod(MethodInfo method) => _methods.GetOrAdd(method, GrainMethod.Create);

    /// <summary>
    /// Finds the method of the grains of type <paramref name="grainType"/> whose <see cref="GrainMethod.Key"/> is
    /// <paramref name="methodKey"/>: how a silo resolves a call another silo forwarded by name.
    /// </summary>
    public bool TryGetMethod(string grainType, string methodKey, [NotNullWhen(true)] out GrainMethod? method) =>
        _byKey.TryGetValue((grainType, methodKey), out method);

    private static IEnumerable<MethodInfo> MethodsOf(Type interfaceType) =>
        interfaceType.GetInterfaces()
            .Prepend(interfaceType)
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance));
}
