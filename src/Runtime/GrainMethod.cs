using System.Reflection;

namespace Uploads.Runtime;

/// <summary>
/// What the runtime needs to know of one grain interface method, worked out once per method: whether it takes a
/// <see cref="CancellationToken"/> last, how to turn the untyped result of a call into the <see cref="Task{TResult}"/>
/// the caller expects, and how to take the result out of the task the grain returned.
/// </summary>
internal sealed class GrainMethod
{
    private static readonly MethodInfo s_toTypedTask = typeof(GrainMethod).GetMethod(nameof(ToTypedTaskAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_getResult = typeof(GrainMethod).GetMethod(nameof(GetResult), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<Task<object?>, Task>? _toTypedTask;
    private readonly Func<Task, object?>? _getResult;
    private readonly int _parameterCount;

    private GrainMethod(MethodInfo method, Type[] parameterTypes, bool takesCancellationToken, Type? resultType)
    {
        Method = method;
        _parameterCount = parameterTypes.Length;
        TakesCancellationToken = takesCancellationToken;
        ArgumentTypes = takesCancellationToken ? parameterTypes[..^1] : parameterTypes;
        ResultType = resultType;

        // No assembly names: silos on different patch versions of a library must still agree on the method.
        Key = $"{method.DeclaringType}.{method.Name}({string.Join(",", (IEnumerable<Type>)parameterTypes)})";
        if (resultType is not null)
        {
            _toTypedTask = s_toTypedTask.MakeGenericMethod(resultType).CreateDelegate<Func<Task<object?>, Task>>();
            _getResult = s_getResult.MakeGenericMethod(resultType).CreateDelegate<Func<Task, object?>>();
        }
    }

    /// <summary>The interface method.</summary>
    public MethodInfo Method { get; }

    /// <summary>Whether the method's last parameter is a <see cref="CancellationToken"/>.</summary>
    public bool TakesCancellationToken { get; }

    /// <summary>The types of the arguments a call message carries: the parameters without the cancellation token.</summary>
    public IReadOnlyList<Type> ArgumentTypes { get; }

    /// <summary>The <c>T</c> of a method returning <see cref="Task{TResult}"/>; <see langword="null"/> for <see cref="Task"/>.</summary>
    public Type? ResultType { get; }

    /// <summary>
    /// Names the method across processes: <c>{interface}.{name}({parameter types})</c>, so that a call forwarded to
    /// another silo finds the same method there, overloads included.
    /// </summary>
    public string Key { get; }

    /// <summary>Describes <paramref name="method"/>, or throws <see cref="ArgumentException"/> when it cannot be a grain call.</summary>
    public static GrainMethod Create(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var name = $"{method.DeclaringType}.{method.Name}";
        if (method.IsGenericMethodDefinition || method.IsGenericMethod)
        {
            throw new ArgumentException($"Grain method {name} is generic; a grain call names its method and carries JSON arguments, so give it concrete parameter types.", nameof(method));
        }

        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            if (type.IsByRef)
            {
                throw new ArgumentException($"Grain method {name} has a ref, out or in parameter ({parameters[i].Name}); pass values in and return results in the task.", nameof(method));
            }

            if (type == typeof(CancellationToken) && i != parameters.Length - 1)
            {
                throw new ArgumentException($"Grain method {name} takes a CancellationToken before its last parameter; make it the last one.", nameof(method));
            }
        }

        Type? resultType;
        if (method.ReturnType == typeof(Task))
        {
            resultType = null;
        }
        else if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            resultType = method.ReturnType.GetGenericArguments()[0];
        }
        else
        {
            throw new ArgumentException($"Grain method {name} returns {method.ReturnType}; grain methods return Task or Task<T>.", nameof(method));
        }

        var takesToken = parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken);
        return new GrainMethod(method, Array.ConvertAll(parameters, p => p.ParameterType), takesToken, resultType);
    }

    /// <summary>The arguments of a call message: the proxy's arguments without the cancellation token.</summary>
    public object?[] GetCallArguments(object?[] invocationArguments)
    {
        ArgumentNullException.ThrowIfNull(invocationArguments);
        return TakesCancellationToken ? invocationArguments[..^1] : invocationArguments;
    }

    /// <summary>The caller's cancellation token among the proxy's arguments, or none.</summary>
    public CancellationToken GetCancellationToken(object?[] invocationArguments)
    {
        ArgumentNullException.ThrowIfNull(invocationArguments);
        return TakesCancellationToken && invocationArguments[^1] is CancellationToken token ? token : CancellationToken.None;
    }

    /// <summary>The arguments to invoke the grain's method with: the call's arguments and, when it takes one, the token.</summary>
    public object?[] GetInvocationArguments(object?[] callArguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callArguments);
        var expected = TakesCancellationToken ? _parameterCount - 1 : _parameterCount;
        if (callArguments.Length != expected)
        {
            throw new ArgumentException($"A call of {Method.Name} carries {callArguments.Length} arguments; the method takes {expected}.", nameof(callArguments));
        }

        return TakesCancellationToken ? [.. callArguments, cancellationToken] : callArguments;
    }

    /// <summary>The task to hand back to the caller of a reference: <paramref name="call"/> itself, or a <see cref="Task{TResult}"/> of the method's result type.</summary>
    public Task ToReturnTask(Task<object?> call) => _toTypedTask is null ? call : _toTypedTask(call);

    /// <summary>The result of the completed task a grain method returned; <see langword="null"/> for a <see cref="Task"/>.</summary>
    public object? GetResult(Task completed) => _getResult?.Invoke(completed);

    // No token: this only re-types the call's task, which carries the caller's token already.
    private static async Task<T> ToTypedTaskAsync<T>(Task<object?> call) => (T)(await call)!;

    private static object? GetResult<T>(Task completed) => ((Task<T>)completed).Result;
}
