using System.Diagnostics;
using System.Text.Json;

namespace Uploads.Testing;

/// <summary>
/// Runs one of the repository's Node scripts to its end, bounded in time: the script gets its options as one JSON
/// argument and answers with one JSON object on its last line of output. The process is killed, by its id, if it
/// outlives the time given.
/// </summary>
public static class NodeScript
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs <paramref name="scriptPath"/> (relative to the repository) with <paramref name="options"/>; returns its answer.</summary>
    /// <exception cref="InvalidOperationException">When the script fails or answers nothing, with its output.</exception>
    public static async Task<JsonElement> RunAsync(string scriptPath, object options, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // The scripts import the pinned npm packages; make sure they are installed.
        await NodePackages.EnsureInstalledAsync(Path.Combine("tus-js-client", "package.json"), cancellationToken);
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "node.exe" : "node") { WorkingDirectory = NodePackages.RepositoryRoot };
        startInfo.ArgumentList.Add(Path.Combine(NodePackages.RepositoryRoot, scriptPath));
        startInfo.ArgumentList.Add(JsonSerializer.Serialize(options, s_json));

        var result = await BoundedProcess.RunAsync(startInfo, timeout, cancellationToken);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (result.ExitCode != 0 || lines.Length == 0)
        {
            throw new InvalidOperationException($"node {scriptPath}: {result.Describe()}");
        }

        return JsonSerializer.Deserialize<JsonElement>(lines[^1]);
    }
}
