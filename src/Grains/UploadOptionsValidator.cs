using Microsoft.Extensions.Options;

namespace Uploads.Grains;

/// <summary>Reports every bad upload setting at once, each with how to fix it.</summary>
internal sealed class UploadOptionsValidator : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        var failures = new List<string>();
        var limits = options.Limits;
        if (options.UploadTtl <= TimeSpan.Zero)
        {
            failures.Add($"Uploads:UploadTtl is {options.UploadTtl}; set a positive time span such as 24:00:00.");
        }

        if (options.RetainTerminal < TimeSpan.Zero)
        {
            failures.Add($"Uploads:RetainTerminal is {options.RetainTerminal}; set zero or a positive time span such as 7.00:00:00.");
        }

        if (options.Sweep.Interval <= TimeSpan.Zero || options.Sweep.BatchSize < 1)
        {
            failures.Add($"Uploads:Sweep needs a positive Interval (is {options.Sweep.Interval}) and a BatchSize of at least 1 (is {options.Sweep.BatchSize}).");
        }

        if (limits.MaxActiveUploadsPerTenant < 1)
        {
            failures.Add($"Uploads:Limits:MaxActiveUploadsPerTenant is {limits.MaxActiveUploadsPerTenant}; set at least 1.");
        }

        if (limits.RequestsPerSecond < 1 || limits.RequestBurst < 0)
        {
            failures.Add($"Uploads:Limits:RequestsPerSecond must be at least 1 (is {limits.RequestsPerSecond}) and RequestBurst zero or more (is {limits.RequestBurst}).");
        }

        if (limits.MinChunkSize < 1)
        {
            failures.Add($"Uploads:Limits:MinChunkSize is {limits.MinChunkSize}; set at least 1 byte.");
        }

        if (limits.MaxChunkSize < limits.MinChunkSize || limits.MaxChunkSize > UploadLimitsOptions.MaxBlockSize)
        {
            failures.Add($"Uploads:Limits:MaxChunkSize is {limits.MaxChunkSize}; set it between MinChunkSize ({limits.MinChunkSize}) and {UploadLimitsOptions.MaxBlockSize} (the largest block Azure takes).");
        }

        if (limits.DefaultChunkSize < limits.MinChunkSize || limits.DefaultChunkSize > limits.MaxChunkSize)
        {
            failures.Add($"Uploads:Limits:DefaultChunkSize is {limits.DefaultChunkSize}; set it between MinChunkSize ({limits.MinChunkSize}) and MaxChunkSize ({limits.MaxChunkSize}).");
        }

        if (limits.MaxChunkCount < 1 || limits.MaxChunkCount > UploadLimitsOptions.MaxBlocksPerBlob)
        {
            failures.Add($"Uploads:Limits:MaxChunkCount is {limits.MaxChunkCount}; set it between 1 and {UploadLimitsOptions.MaxBlocksPerBlob} (the most blocks Azure commits into one blob).");
        }

        if (limits.MaxUploadBytes < 0)
        {
            failures.Add($"Uploads:Limits:MaxUploadBytes is {limits.MaxUploadBytes}; set zero or more bytes.");
        }
        else if (limits.MaxChunkCount >= 1 && limits.MaxUploadBytes > limits.MaxChunkSize * limits.MaxChunkCount)
        {
            failures.Add($"Uploads:Limits:MaxUploadBytes ({limits.MaxUploadBytes}) is more than MaxChunkSize × MaxChunkCount ({limits.MaxChunkSize} × {limits.MaxChunkCount}), so the largest uploads could not be chunked; lower it or raise one of those.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
