namespace Uploads.Grains;

/// <summary>Options of uploads, bound from configuration section <c>Uploads</c>.</summary>
public sealed class UploadOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Uploads";

    /// <summary>How long an upload that is not completed lives after its last accepted chunk (or its creation). Default: 24 hours.</summary>
    public TimeSpan UploadTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The limits on sizes and counts.</summary>
    public UploadLimitsOptions Limits { get; set; } = new();
}
