using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Uploads.Storage;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// Turns grain calls, their results and their exceptions into the JSON messages silos exchange, and back. Arguments
/// and results are serialized as their declared types, with the same web defaults as grain state.
/// </summary>
internal sealed class GrainCallSerializer
{
    private readonly GrainTypeRegistry _registry;
    private readonly GrainExceptionCodecs _codecs;

    public GrainCallSerializer(GrainTypeRegistry registry, GrainExceptionCodecs codecs)
    {
        _registry = registry;
        _codecs = codecs;
    }

    /// <summary>The serializer settings of every message.</summary>
    public JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>The message of <paramref name="call"/>, telling the owner which silos the caller suspects.</summary>
    public GrainCallRequest ToRequest(GrainCall call, IReadOnlyCollection<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(call);
        var method = _registry.GetMethod(call.Method);
        var arguments = new JsonElement[call.Arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = JsonSerializer.SerializeToElement(call.Arguments[i], method.ArgumentTypes[i], Options);
        }

        return new GrainCallRequest(call.GrainId.Type, call.GrainId.Key, method.Key, arguments, [.. excluded]);
    }

    /// <summary>The call a forwarded message asks for, or why it cannot be made on this silo.</summary>
    public bool TryReadCall(GrainCallRequest request, [NotNullWhen(true)] out GrainCall? call, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        call = null;
        if (!StorageNames.IsValidName(request.Key))
        {
            error = "The grain key is not a valid storage name.";
            return false;
        }

        if (!_registry.TryGetMethod(request.GrainType, request.Method, out var method))
        {
            error = $"No grain of type '{request.GrainType}' has method '{request.Method}' on this silo.";
            return false;
        }

        if (request.Arguments is null || request.Arguments.Count != method.ArgumentTypes.Count)
        {
            error = $"Method '{request.Method}' takes {method.ArgumentTypes.Count} arguments.";
            return false;
        }

        var arguments = new object?[request.Arguments.Count];
        try
        {
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = request.Arguments[i].Deserialize(method.ArgumentTypes[i], Options);
            }
        }
        catch (JsonException exception)
        {
            error = $"An argument of '{request.Method}' cannot be read: {exception.Message}";
            return false;
        }

        call = new GrainCall(new GrainId(request.GrainType, request.Key), method.Method, arguments);
        error = null;
        return true;
    }

    /// <summary>The answer carrying the result of <paramref name="call"/>.</summary>
    public GrainCallResponse ToResponse(GrainCall call, object? result)
    {
        ArgumentNullException.ThrowIfNull(call);
        var resultType = _registry.GetMethod(call.Method).ResultType;
        return new GrainCallResponse(resultType is null ? null : JsonSerializer.SerializeToElement(result, resultType, Options), Fault: null);
    }

    /// <summary>The answer carrying the exception a call ended with.</summary>
    public GrainCallResponse ToResponse(Exception exception) => new(Result: null, _codecs.Encode(exception, Options));

    /// <summary>The result of <paramref name="call"/> that silo <paramref name="siloId"/> answered; throws the exception it answered instead.</summary>
    /// <exception cref="JsonException">The result cannot be read as the method's result type.</exception>
    public object? ReadResult(GrainCall call, GrainCallResponse response, string siloId)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(response);
        if (response.Fault is { } fault)
        {
            throw _codecs.Decode(fault, siloId, Options);
        }

        var resultType = _registry.GetMethod(call.Method).ResultType;
        return resultType is null || response.Result is not { } result ? null : result.Deserialize(resultType, Options);
    }
}
