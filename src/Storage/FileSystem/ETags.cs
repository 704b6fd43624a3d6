using System.Security.Cryptography;

namespace Uploads.Storage.FileSystem;

/// <summary>Makes entity tags: random, so two writers in different processes never make the same one.</summary>
internal static class ETags
{
    public static string New() => RandomNumberGenerator.GetHexString(32, lowercase: true);
}
