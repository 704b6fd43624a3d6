using Microsoft.Extensions.Options;

namespace Uploads.Gateway.Cors;

/// <summary>Reports every allowed origin that is not one, with how to write it.</summary>
internal sealed class UploadsCorsOptionsValidator : IValidateOptions<UploadsCorsOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadsCorsOptions options)
    {
        var failures = options.AllowedOrigins
            .Where(origin => !IsOrigin(origin))
            .Select(origin =>
                $"{UploadsCorsOptions.SectionName}:{nameof(UploadsCorsOptions.AllowedOrigins)} holds '{origin}', which is not an origin: write " +
                "scheme://host[:port] such as https://app.example (no path), or * for any; several are separated by commas or spaces " +
                "(Uploads__Cors__AllowedOrigins='https://a.example,https://b.example').")
            .ToList();
        if (options.PreflightMaxAge < TimeSpan.Zero)
        {
            failures.Add($"{UploadsCorsOptions.SectionName}:{nameof(UploadsCorsOptions.PreflightMaxAge)} is {options.PreflightMaxAge}; set zero or a positive time span.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string origin) =>
        origin == "*" ||
        (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.GetLeftPart(UriPartial.Authority).Equals(origin, StringComparison.OrdinalIgnoreCase));
}
