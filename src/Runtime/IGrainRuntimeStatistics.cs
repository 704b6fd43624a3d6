namespace Uploads.Runtime;

/// <summary>What a silo's grain runtime reports about itself, for a cluster view and for health checks.</summary>
public interface IGrainRuntimeStatistics
{
    /// <summary>The number of activations that are active now: activated and not yet deactivated.</summary>
    int ActivationCount { get; }
}
