using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Uploads.Runtime;

/// <summary>
/// A grain reference: implements a grain interface by turning each method call into a <see cref="GrainCall"/> for
/// the <see cref="IGrainCallInvoker"/>. Holds no activation, so it stays valid across deactivations.
/// </summary>
[SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from this class at run time.")]
internal class GrainReferenceProxy : DispatchProxy
{
    private GrainId _grainId;
    private IGrainCallInvoker _invoker = null!;
    private GrainTypeRegistry _registry = null!;

    // DispatchProxy creates the instance with its parameterless constructor, so the reference is set up afterwards.
    internal void Initialize(GrainId grainId, IGrainCallInvoker invoker, GrainTypeRegistry registry)
    {
        _grainId = grainId;
        _invoker = invoker;
        _registry = registry;
    }

    public override string ToString() => _grainId.ToString();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = _registry.GetMethod(targetMethod);
        args ??= [];
        var call = new GrainCall(_grainId, targetMethod, method.GetCallArguments(args));
        return method.ToReturnTask(_invoker.InvokeAsync(call, method.GetCancellationToken(args)));
    }
}
