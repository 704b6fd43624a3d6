namespace Uploads.Storage.AzureBlob;

/// <summary>Azure's rule for container names.</summary>
internal static class AzureContainerNames
{
    /// <summary>The rule in words, for messages.</summary>
    public const string Rule = "3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without two hyphens in a row";

    /// <summary>Whether <paramref name="name"/> is a valid container name.</summary>
    public static bool IsValid(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || name[0] == '-' || name[^1] == '-' || name.Contains("--", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
