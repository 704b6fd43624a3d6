namespace Uploads.Testing;

/// <summary>Where the repository, the silo's build and the <c>dotnet</c> host are, for tests that start silo processes.</summary>
public static class SiloBuild
{
    private const string SiloTargetFramework = "net10.0";
    private const string SiloAssemblyName = "Uploads.Silo.dll";

    /// <summary>
    /// The silo built in the configuration of the running test or benchmark assembly, which runs from
    /// <c>&lt;project&gt;/bin/{Configuration}/{TargetFramework}/</c>.
    /// </summary>
    public static string FindSiloAssembly()
    {
        // The test or benchmark runs from <project>/bin/{Configuration}/{TargetFramework}/; the silo was built (by the
        // project reference of Uploads.Testing) in the same configuration.
        var testOutput = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        if (testOutput.Parent is not { Parent.Name: "bin" } configurationFolder)
        {
            throw new InvalidOperationException(
                $"The test assembly runs from '{testOutput.FullName}', not from bin/{{Configuration}}/{{TargetFramework}}: cannot tell which silo build to start.");
        }

        var siloAssembly = Path.Combine(FindRepositoryRoot(testOutput), "src", "Silo", "bin", configurationFolder.Name, SiloTargetFramework, SiloAssemblyName);
        if (!File.Exists(siloAssembly))
        {
            throw new FileNotFoundException(
                $"The silo is not built at '{siloAssembly}'. Build it in {configurationFolder.Name} (building this test project does so).",
                siloAssembly);
        }

        return siloAssembly;
    }

    /// <summary>The folder of the running assembly's repository: the first above it that holds Uploads.sln.</summary>
    public static string FindRepositoryRoot() => FindRepositoryRoot(new DirectoryInfo(AppContext.BaseDirectory));

    private static string FindRepositoryRoot(DirectoryInfo start)
    {
        for (var directory = start; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Uploads.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above '{start.FullName}' holds Uploads.sln.");
    }

    /// <summary>The <c>dotnet</c> host that runs the current process, or the one on the PATH.</summary>
    public static string FindDotnetHost()
    {
        // The SDK tells child processes which host runs it; under a bare test host, fall back to the PATH.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath &&
            Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        return "dotnet";
    }
}
