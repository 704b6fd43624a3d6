using System.Text;
using Microsoft.Extensions.Options;

namespace Uploads.Gateway.Authentication;

/// <summary>Reports every bad authentication setting at once, each with how to fix it.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    private const int MinKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!options.IsJwt && !string.Equals(options.Mode, AuthOptions.NoneMode, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Uploads:Auth:Mode is '{options.Mode}'; set '{AuthOptions.NoneMode}' (loopback use, every request is tenant 'local') or '{AuthOptions.JwtMode}'.");
        }

        if (string.IsNullOrWhiteSpace(options.TenantClaim))
        {
            failures.Add("Uploads:Auth:TenantClaim is empty; set the claim that names the tenant, such as 'sub'.");
        }

        if (options.IsJwt && Encoding.UTF8.GetByteCount(options.Jwt.SigningKey) < MinKeyBytes)
        {
            failures.Add($"Uploads:Auth:Jwt:SigningKey must be at least {MinKeyBytes} bytes in Jwt mode (HS256); set a long random secret, e.g. from `openssl rand -base64 48`.");
        }

        if (options.Jwt.ClockSkew < TimeSpan.Zero)
        {
            failures.Add($"Uploads:Auth:Jwt:ClockSkew is {options.Jwt.ClockSkew}; set zero or a positive time span.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
