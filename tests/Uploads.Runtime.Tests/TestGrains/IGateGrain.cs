namespace Uploads.Runtime.Tests.TestGrains;

public interface IGateGrain : IGrainWithStringKey
{
    /// <summary>Enters, then waits until the test releases <paramref name="callId"/>.</summary>
    Task RunAsync(int callId, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="RunAsync"/>, then asks for the activation to be deactivated after the call.</summary>
    Task RunThenDeactivateAsync(int callId, CancellationToken cancellationToken = default);
}
