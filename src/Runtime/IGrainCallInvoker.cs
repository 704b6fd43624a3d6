namespace Uploads.Runtime;

/// <summary>
/// Where grain references hand their calls. A single silo runs them on local activations (<see cref="ActivationCatalog"/>);
/// a silo of a cluster (<see cref="Cluster.ClusterGrainCallInvoker"/>) runs those of the grains it owns and forwards the
/// others to their owner silo.
/// </summary>
internal interface IGrainCallInvoker
{
    /// <summary>Runs <paramref name="call"/> on an activation of its grain; returns the method's result, or <see langword="null"/> for a <see cref="Task"/>.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">The caller's token, handed to the grain method when it takes one.</param>
    Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken);
}
