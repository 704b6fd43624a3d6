using System.Reflection;
using Uploads.Storage;

namespace Uploads.Runtime;

/// <summary>Hands out grain references: proxies whose calls go to the <see cref="IGrainCallInvoker"/>.</summary>
internal sealed class GrainFactory : IGrainFactory
{
    private readonly GrainTypeRegistry _registry;
    private readonly IGrainCallInvoker _invoker;

    public GrainFactory(GrainTypeRegistry registry, IGrainCallInvoker invoker)
    {
        _registry = registry;
        _invoker = invoker;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        // The key becomes part of state keys, so it must be a storage name.
        StorageNames.ThrowIfInvalidName(key, nameof(key));
        var registration = _registry.GetByInterface(typeof(TGrainInterface));
        var reference = DispatchProxy.Create<TGrainInterface, GrainReferenceProxy>();
        ((GrainReferenceProxy)(object)reference!).Initialize(new GrainId(registration.GrainType, key), _invoker, _registry);
        return reference;
    }
}
