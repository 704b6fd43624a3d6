namespace Uploads.Runtime.Tests.TestGrains;

public interface IFaultGrain : IGrainWithStringKey
{
    /// <summary>Throws the exception named by <paramref name="kind"/>: refusal, storage, conflict or argument.</summary>
    Task ThrowAsync(string kind, string message, CancellationToken cancellationToken = default);
}
