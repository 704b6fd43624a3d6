namespace Uploads.Gateway.Cors;

/// <summary>
/// Which web pages may call the service from a browser (CORS), bound from configuration section <c>Uploads:Cors</c>.
/// Off by default: a browser client on another origin (Uppy, tus-js-client in a page) needs its origin listed here.
/// </summary>
public sealed class UploadsCorsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Uploads:Cors";

    /// <summary>
    /// The origins allowed, such as <c>https://app.example.com</c>; <c>*</c> allows any. A list in configuration, or one
    /// value with the origins separated by commas or spaces. Default: none.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>How long a browser may cache a preflight's answer. Default: 1 hour.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromHours(1);
}
