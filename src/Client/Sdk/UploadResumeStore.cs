using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Uploads.Client.Serialization;

namespace Uploads.Client;

/// <summary>
/// The resume records of one user: one small JSON file per server and local file, in a folder of the user's state
/// (<see cref="DefaultDirectory"/>). Records are replaced whole with a rename, so a crash never leaves half of one, and
/// several processes may share the folder.
/// </summary>
public sealed class UploadResumeStore
{
    /// <summary>The environment variable that, when set, names the folder instead of the per-user default.</summary>
    public const string DirectoryVariable = "UPLOADS_STATE_DIR";

    private const string Extension = ".json";

    /// <summary>A store kept in <paramref name="directory"/>, created when the first record is saved.</summary>
    public UploadResumeStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder of the records.</summary>
    public string Directory { get; }

    /// <summary>
    /// The default folder: <c>UPLOADS_STATE_DIR</c> if set; else on Windows <c>%LOCALAPPDATA%\Uploads</c>; else
    /// <c>$XDG_STATE_HOME/uploads</c>, or <c>~/.local/state/uploads</c> when <c>XDG_STATE_HOME</c> is not set.
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
            {
                return configured;
            }

            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Uploads");
            }

            // XDG Base Directory: state that should persist across restarts but is not worth a backup.
            if (Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } stateHome && Path.IsPathRooted(stateHome))
            {
                return Path.Combine(stateHome, "uploads");
            }

            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "uploads");
        }
    }

    /// <summary>The record of <paramref name="filePath"/> on <paramref name="server"/>, or null if there is none (or it cannot be read).</summary>
    public async Task<UploadResumeRecord?> FindAsync(Uri server, string filePath, CancellationToken cancellationToken = default)
    {
        var record = await ReadAsync(RecordPath(server, filePath), cancellationToken).ConfigureAwait(false);
        return record is not null && record.Server == server && record.FilePath == Path.GetFullPath(filePath) ? record : null;
    }

    /// <summary>Every readable record, oldest first.</summary>
    public async Task<IReadOnlyList<UploadResumeRecord>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var records = new List<UploadResumeRecord>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            if (await ReadAsync(path, cancellationToken).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
            }
        }

        return records.OrderBy(record => record.CreatedAt).ToArray();
    }

    /// <summary>Saves <paramref name="record"/>, replacing any record of the same server and file.</summary>
    public async Task SaveAsync(UploadResumeRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        System.IO.Directory.CreateDirectory(Directory);
        var path = RecordPath(record.Server, record.FilePath);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, record, UploadsJsonContext.Default.UploadResumeRecord, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Deletes the record of <paramref name="record"/>'s server and file, if it is still that upload's.</summary>
    public async Task DeleteAsync(UploadResumeRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var path = RecordPath(record.Server, record.FilePath);
        if (await ReadAsync(path, cancellationToken).ConfigureAwait(false) is { } current && current.UploadId != record.UploadId)
        {
            // Another call has since started a new upload of the same file: its record is not ours to delete.
            return;
        }

        File.Delete(path);
    }

    private string RecordPath(Uri server, string filePath)
    {
        // The name is a digest of the server and the full path: fixed length, no characters a file system refuses.
        var key = Encoding.UTF8.GetBytes($"{server.AbsoluteUri}\n{Path.GetFullPath(filePath)}");
        return Path.Combine(Directory, Convert.ToHexStringLower(SHA256.HashData(key), 0, 16) + Extension);
    }

    private static async Task<UploadResumeRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
            return await JsonSerializer.DeserializeAsync(stream, UploadsJsonContext.Default.UploadResumeRecord, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // Not a record this client wrote (edited by hand, say): as good as none; the next save replaces it.
            return null;
        }
    }
}
