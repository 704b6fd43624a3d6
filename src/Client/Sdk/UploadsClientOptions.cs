namespace Uploads.Client;

/// <summary>Settings of an <see cref="UploadsClient"/>, read once when it is constructed.</summary>
public sealed class UploadsClientOptions
{
    /// <summary>
    /// A token sent as <c>Authorization: Bearer …</c> with every request, for servers with authentication on.
    /// Default: null (no <c>Authorization</c> header).
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>When and how often requests are retried. Default: see <see cref="UploadsRetryOptions"/>.</summary>
    public UploadsRetryOptions Retry { get; } = new();

    /// <summary>
    /// The folder of the resume records of <see cref="UploadsClient.UploadFileAsync"/>. Default: null, meaning
    /// <see cref="UploadResumeStore.DefaultDirectory"/> (the <c>UPLOADS_STATE_DIR</c> environment variable if set,
    /// else <c>$XDG_STATE_HOME/uploads</c> or <c>~/.local/state/uploads</c> on Unix, <c>%LOCALAPPDATA%\Uploads</c> on Windows).
    /// </summary>
    public string? ResumeDirectory { get; set; }

    /// <summary>The clock of retry delays, timeouts and progress rates. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
