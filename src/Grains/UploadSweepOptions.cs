namespace Uploads.Grains;

/// <summary>Options of the background sweep, bound from configuration section <c>Uploads:Sweep</c>.</summary>
public sealed class UploadSweepOptions
{
    /// <summary>Whether this silo runs the sweep. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the sweep waits between passes. Default: 1 minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many uploads one pass looks at, at most; the next pass goes on where this one stopped. Default: 1,000.</summary>
    public int BatchSize { get; set; } = 1_000;
}
