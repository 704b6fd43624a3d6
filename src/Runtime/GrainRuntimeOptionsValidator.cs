using Microsoft.Extensions.Options;

namespace Uploads.Runtime;

/// <summary>Reports every bad runtime setting at once, each with how to fix it.</summary>
internal sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    // Task.Delay takes at most uint.MaxValue - 1 milliseconds (about 49.7 days).
    private static readonly TimeSpan s_maxCollectionInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{GrainRuntimeOptions.SectionName}:IdleTimeout is {options.IdleTimeout}; set a positive time span such as 00:02:00.");
        }

        if (options.CollectionInterval <= TimeSpan.Zero || options.CollectionInterval > s_maxCollectionInterval)
        {
            failures.Add($"{GrainRuntimeOptions.SectionName}:CollectionInterval is {options.CollectionInterval}; set a positive time span of at most 49 days (the longest timer .NET allows), such as 00:00:30.");
        }

        if (options.MaxConflictRetries < 0)
        {
            failures.Add($"{GrainRuntimeOptions.SectionName}:MaxConflictRetries is {options.MaxConflictRetries}; set zero (never retry a call after a state conflict) or more.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
