namespace Uploads.Grains;

/// <summary>Options of uploads, bound from configuration section <c>Uploads</c>.</summary>
public sealed class UploadOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Uploads";

    /// <summary>How long an upload that is not completed lives after its last accepted chunk (or its creation). Default: 24 hours.</summary>
    public TimeSpan UploadTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the manifest of a completed, aborted or expired upload is kept before it is deleted. Default: 7 days.</summary>
    public TimeSpan RetainTerminal { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How the background sweep expires abandoned uploads and deletes old terminal ones.</summary>
    public UploadSweepOptions Sweep { get; set; } = new();

    /// <summary>The limits on sizes and counts.</summary>
    public UploadLimitsOptions Limits { get; set; } = new();
}
