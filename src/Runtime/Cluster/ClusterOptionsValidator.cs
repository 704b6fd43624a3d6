using Microsoft.Extensions.Options;
using Uploads.Storage;

namespace Uploads.Runtime.Cluster;

/// <summary>Reports every bad cluster setting at once, each with how to fix it.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    /// <summary>The shortest cluster key accepted.</summary>
    public const int MinKeyLength = 16;

    /// <summary>The longest silo id accepted.</summary>
    public const int MaxSiloIdLength = 64;

    // Task.Delay takes at most uint.MaxValue - 1 milliseconds (about 49.7 days).
    private static readonly TimeSpan s_maxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = ClusterOptions.SectionName;

        if (options.SiloId.Length > 0 && (!StorageNames.IsValidSegment(options.SiloId) || options.SiloId.Length > MaxSiloIdLength))
        {
            failures.Add($"{Section}:SiloId is \"{options.SiloId}\"; use 1 to {MaxSiloIdLength} characters of [A-Za-z0-9._~-] (not \".\" or \"..\"), such as silo-1, or leave it empty for the machine name and a random suffix.");
        }

        if (options.IsClustered && DescribeBadInternalUrl(options.InternalUrl) is { } badUrl)
        {
            failures.Add($"{Section}:InternalUrl is \"{options.InternalUrl}\"; {badUrl}");
        }

        if (options.IsClustered && options.Key.Length < MinKeyLength)
        {
            failures.Add($"{Section}:Key is {(options.Key.Length == 0 ? "not set" : $"{options.Key.Length} characters long")}; a cluster needs a shared secret of at least {MinKeyLength} characters, the same on every silo (openssl rand -base64 32 makes one).");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval > s_maxTimer)
        {
            failures.Add($"{Section}:HeartbeatInterval is {options.HeartbeatInterval}; set a positive time span such as 00:00:02.");
        }

        if (options.DeadAfter < options.HeartbeatInterval * 3 || options.DeadAfter > s_maxTimer)
        {
            failures.Add($"{Section}:DeadAfter is {options.DeadAfter}; set at least three heartbeat intervals ({options.HeartbeatInterval * 3} with HeartbeatInterval {options.HeartbeatInterval}), such as 00:00:08, so that one slow heartbeat does not make a silo dead.");
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > s_maxTimer)
        {
            failures.Add($"{Section}:DrainTimeout is {options.DrainTimeout}; set zero (do not wait for calls under way) or a positive time span such as 00:00:10.");
        }

        if (options.ForwardTimeout <= TimeSpan.Zero || options.ForwardTimeout > s_maxTimer)
        {
            failures.Add($"{Section}:ForwardTimeout is {options.ForwardTimeout}; set a positive time span such as 00:00:30.");
        }

        if (options.DeadSiloRetention < options.DeadAfter)
        {
            failures.Add($"{Section}:DeadSiloRetention is {options.DeadSiloRetention}; set at least DeadAfter ({options.DeadAfter}), such as 01:00:00, so that every silo sees a dead silo's record before it goes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? DescribeBadInternalUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "use an absolute http or https URL such as http://10.0.0.5:5001.";
        }

        // Uri gives the scheme's default port when none is written; the other silos must know the port for sure.
        if (uri.IsDefaultPort && !url.Contains($":{uri.Port}", StringComparison.Ordinal))
        {
            return "write the port explicitly, such as http://10.0.0.5:5001; the internal endpoint needs a port of its own.";
        }

        if (uri.Port == 0)
        {
            return "use a fixed port: the other silos dial this URL, so it cannot be chosen at random.";
        }

        if (uri.Host is "0.0.0.0" or "[::]" or "*" or "+" || url.Contains("://*", StringComparison.Ordinal) || url.Contains("://+", StringComparison.Ordinal))
        {
            return "use an address the other silos can dial (this machine's address or name, or 127.0.0.1 for a cluster on one machine), not a wildcard.";
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            return "give the scheme, host and port only, without a path, such as http://10.0.0.5:5001.";
        }

        return null;
    }
}
