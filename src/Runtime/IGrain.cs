namespace Uploads.Runtime;

/// <summary>
/// Marks a grain interface. Every method of a grain interface returns <see cref="Task"/> or
/// <see cref="Task{TResult}"/>, takes arguments and returns results that serialize as JSON, and may
/// take a <see cref="CancellationToken"/> as its last parameter.
/// </summary>
public interface IGrain
{
}
