using System.Collections.Frozen;
using System.Text.Json;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// The registered <see cref="GrainExceptionCodec"/>s, by exception type and by name. An exception is carried by the codec
/// of its own type or of its nearest base type that has one; any other arrives as a <see cref="RemoteGrainException"/>.
/// </summary>
internal sealed class GrainExceptionCodecs
{
    private readonly FrozenDictionary<Type, GrainExceptionCodec> _byType;
    private readonly FrozenDictionary<string, GrainExceptionCodec> _byName;

    public GrainExceptionCodecs(IEnumerable<GrainExceptionCodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        var byType = new Dictionary<Type, GrainExceptionCodec>();
        var byName = new Dictionary<string, GrainExceptionCodec>(StringComparer.Ordinal);
        foreach (var codec in codecs)
        {
            if (!byName.TryAdd(codec.Name, codec) && byName[codec.Name].ExceptionType != codec.ExceptionType)
            {
                throw new InvalidOperationException($"Grain exception codec name '{codec.Name}' is used for both {byName[codec.Name].ExceptionType} and {codec.ExceptionType}; give each its own name.");
            }

            if (!byType.TryAdd(codec.ExceptionType, codec) && byType[codec.ExceptionType].Name != codec.Name)
            {
                throw new InvalidOperationException($"{codec.ExceptionType} has two grain exception codecs, '{byType[codec.ExceptionType].Name}' and '{codec.Name}'; register one.");
            }
        }

        _byType = byType.ToFrozenDictionary();
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>What crosses to the calling silo of <paramref name="exception"/>.</summary>
    public GrainCallFault Encode(Exception exception, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var type = exception.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            if (_byType.TryGetValue(type, out var codec))
            {
                return new GrainCallFault(codec.Name, exception.GetType().FullName!, exception.Message, codec.Encode(exception, json));
            }
        }

        return new GrainCallFault(Codec: null, exception.GetType().FullName!, exception.Message, Data: null);
    }

    /// <summary>The exception to throw to the caller for <paramref name="fault"/>, which happened on silo <paramref name="siloId"/>.</summary>
    public Exception Decode(GrainCallFault fault, string siloId, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Codec is { } name && _byName.TryGetValue(name, out var codec))
        {
            try
            {
                return codec.Decode(fault.Message, fault.Data, json);
            }
            catch (JsonException)
            {
                // A silo of another version sent data this one cannot read: it still is a failure of the call.
            }
        }

        return new RemoteGrainException($"The grain call failed on silo {siloId} with {fault.ExceptionType}: {fault.Message}", siloId, fault.ExceptionType);
    }
}
