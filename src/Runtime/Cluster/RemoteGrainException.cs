namespace Uploads.Runtime.Cluster;

/// <summary>
/// A grain call forwarded to another silo failed there with an exception whose type has no codec registered
/// (<see cref="ClusterServiceCollectionExtensions.AddGrainExceptionCodec{TException, TData}"/>), so it cannot be rebuilt
/// here: a fault of the server, like any unexpected exception of a local call.
/// </summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException(string message, string siloId, string exceptionType)
        : base(message)
    {
        SiloId = siloId;
        ExceptionType = exceptionType;
    }

    /// <summary>The silo the call failed on.</summary>
    public string SiloId { get; }

    /// <summary>The full name of the exception's type there.</summary>
    public string ExceptionType { get; }
}
