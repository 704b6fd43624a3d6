using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Uploads.Testing;

/// <summary>
/// The repository's npm packages (package.json, pinned by package-lock.json): Azurite, tus-js-client and
/// tus-node-server. When a package is missing (a fresh clone), the first caller runs <c>npm ci</c> in the repository,
/// once across all the test processes that ask at the same time.
/// </summary>
public static class NodePackages
{
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(10);

    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder that holds Uploads.sln and package.json.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>
    /// Returns the full path of <paramref name="relativePath"/> under <c>node_modules</c>, running <c>npm ci</c> first
    /// when it is not there. A lock file in the temp folder keeps test processes that start together from installing
    /// together.
    /// </summary>
    public static async Task<string> EnsureInstalledAsync(string relativePath, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot;
        var path = Path.Combine(root, "node_modules", relativePath);
        if (File.Exists(path))
        {
            return path;
        }

        var lockName = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..16];
        var lockPath = Path.Combine(Path.GetTempPath(), $"uploads-npm-ci-{lockName}.lock");
        using var installLock = await AcquireFileLockAsync(lockPath, cancellationToken);
        if (File.Exists(path))
        {
            return path;
        }

        await RunNpmCiAsync(root, cancellationToken);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"'npm ci' in {root} succeeded but did not install {path}; check package.json.");
        }

        return path;
    }

    private static async Task RunNpmCiAsync(string root, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") { WorkingDirectory = root };
        startInfo.ArgumentList.Add("ci");
        startInfo.ArgumentList.Add("--no-audit");
        startInfo.ArgumentList.Add("--no-fund");

        ProcessResult result;
        try
        {
            result = await BoundedProcess.RunAsync(startInfo, s_installTimeout, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"The npm packages are not installed in {root}/node_modules and npm is not on the PATH: install Node.js 20 or later with npm, then run 'npm ci' in {root}.",
                ex);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"'npm ci' in {root} did not finish within {s_installTimeout.TotalMinutes} minutes; run it by hand to see why.", ex);
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {root} failed; run it by hand to fix it: {result.Describe()}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                // An exclusive open is a lock across processes (flock on Unix), released when its holder exits.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < s_installTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        var start = new DirectoryInfo(AppContext.BaseDirectory);
        for (var directory = start; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Uploads.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above '{start.FullName}' holds Uploads.sln, so the repository's npm install cannot be found.");
    }
}
