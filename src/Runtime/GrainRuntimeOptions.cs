namespace Uploads.Runtime;

/// <summary>Options of the grain runtime, bound from configuration section <c>Uploads:Runtime</c>.</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Uploads:Runtime";

    /// <summary>How long an activation may go without a call before it is deactivated. Default: 2 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often idle activations are looked for. Default: 30 seconds.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a call is retried on a fresh activation after a state conflict. Default: 5.</summary>
    public int MaxConflictRetries { get; set; } = 5;
}
