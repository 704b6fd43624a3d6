namespace Uploads.Runtime;

/// <summary>
/// Where grain references hand their calls. The single-silo runtime runs them on local activations; a cluster
/// invoker will forward the calls of grains owned by another silo.
/// </summary>
internal interface IGrainCallInvoker
{
    /// <summary>Runs <paramref name="call"/> on an activation of its grain; returns the method's result, or <see langword="null"/> for a <see cref="Task"/>.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">The caller's token, handed to the grain method when it takes one.</param>
    Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken);
}
