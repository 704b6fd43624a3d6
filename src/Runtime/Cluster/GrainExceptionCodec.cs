using System.Text.Json;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// How exceptions of one type cross from the silo that ran a grain call to the silo that forwarded it: what is kept
/// of one (its message and a JSON document), and how it is rebuilt. Registered with
/// <see cref="ClusterServiceCollectionExtensions.AddGrainExceptionCodec{TException, TData}"/>.
/// </summary>
internal sealed class GrainExceptionCodec
{
    private readonly Func<Exception, JsonSerializerOptions, JsonElement?> _encode;
    private readonly Func<string, JsonElement?, JsonSerializerOptions, Exception> _decode;

    private GrainExceptionCodec(
        string name,
        Type exceptionType,
        Func<Exception, JsonSerializerOptions, JsonElement?> encode,
        Func<string, JsonElement?, JsonSerializerOptions, Exception> decode)
    {
        Name = name;
        ExceptionType = exceptionType;
        _encode = encode;
        _decode = decode;
    }

    /// <summary>The name the codec goes by on the wire; the same on every silo.</summary>
    public string Name { get; }

    /// <summary>The exception type it carries (and types derived from it, unless they have a codec of their own).</summary>
    public Type ExceptionType { get; }

    /// <summary>A codec that keeps the message and <typeparamref name="TData"/>.</summary>
    public static GrainExceptionCodec Create<TException, TData>(string name, Func<TException, TData> toData, Func<string, TData, TException> fromData)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(toData);
        ArgumentNullException.ThrowIfNull(fromData);
        return new GrainExceptionCodec(
            name,
            typeof(TException),
            (exception, json) => JsonSerializer.SerializeToElement(toData((TException)exception), json),
            (message, data, json) => data is { } element && element.Deserialize<TData>(json) is { } value
                ? fromData(message, value)
                : throw new JsonException($"The fault of codec '{name}' carries no {typeof(TData).Name}."));
    }

    /// <summary>A codec that keeps the message only.</summary>
    public static GrainExceptionCodec Create<TException>(string name, Func<string, TException> fromMessage)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(fromMessage);
        return new GrainExceptionCodec(name, typeof(TException), static (_, _) => null, (message, _, _) => fromMessage(message));
    }

    public JsonElement? Encode(Exception exception, JsonSerializerOptions json) => _encode(exception, json);

    /// <exception cref="JsonException">The data cannot be read as the codec's data.</exception>
    public Exception Decode(string message, JsonElement? data, JsonSerializerOptions json) => _decode(message, data, json);
}
