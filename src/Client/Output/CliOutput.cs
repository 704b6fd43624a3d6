using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace Uploads.Client.Cli.Output;

/// <summary>
/// Where a command's words go. Results go to stdout: JSON with <c>--json</c>, tables on a terminal, plain text
/// otherwise. Notes, progress and errors go to stderr, so piping stdout always gets results alone.
/// </summary>
internal sealed class CliOutput
{
    private readonly Lazy<IAnsiConsole> _out = new(() => CreateConsole(Console.Out));
    private readonly Lazy<IAnsiConsole> _error = new(() => CreateConsole(Console.Error));

    public CliOutput(bool json)
    {
        Json = json;
    }

    public bool Json { get; }

    /// <summary>Whether stdout is a terminal (tables, colour) rather than a pipe or a file (plain text).</summary>
    public bool IsOutputTerminal => !Console.IsOutputRedirected && _out.Value.Profile.Capabilities.Interactive;

    /// <summary>Whether stderr is a terminal, where a live progress bar can be drawn.</summary>
    public bool IsErrorTerminal => !Console.IsErrorRedirected && _error.Value.Profile.Capabilities.Interactive;

    public IAnsiConsole ErrorConsole => _error.Value;

    /// <summary>A note for people, on stderr; never part of the results.</summary>
    public void Note(string text) => Console.Error.WriteLine(text);

    public void WriteJson<T>(T value, JsonTypeInfo<T> typeInfo) => Console.Out.WriteLine(JsonSerializer.Serialize(value, typeInfo));

    /// <summary>A result that is one sentence for people (ignored with <c>--json</c>, where the caller writes JSON).</summary>
    public void WriteLine(string text)
    {
        if (!Json)
        {
            Console.Out.WriteLine(text);
        }
    }

    public void WriteUpload(UploadResource upload)
    {
        if (Json)
        {
            WriteJson(upload, CliJsonContext.Default.UploadResource);
            return;
        }

        var rows = new List<(string Name, string Value)>
        {
            ("upload", upload.UploadId),
            ("state", upload.State.ToString()),
            ("file", $"{upload.FileName} ({(upload.Size is { } size ? ByteSize.Format(size) : "length not declared yet")}, {upload.ContentType})"),
            ("chunks", $"{upload.ReceivedChunkCount} of {upload.ChunkCount} received ({ByteSize.Format(upload.ReceivedBytes)}), {ByteSize.Format(upload.ChunkSize)} each"),
        };
        if (!upload.State.IsTerminal)
        {
            rows.Add(("received", upload.ReceivedChunks.Count == 0 ? "none" : string.Join(", ", upload.ReceivedChunks)));
            rows.Add(("next missing", upload.NextChunkIndex?.ToString(CultureInfo.InvariantCulture) ?? "none"));
        }

        rows.Add(("created", Timestamp(upload.CreatedAt)));
        rows.Add(("updated", Timestamp(upload.UpdatedAt)));
        if (upload.ExpiresAt is { } expires)
        {
            rows.Add(("expires", Timestamp(expires)));
        }

        if (upload.Result is { } result)
        {
            rows.Add(("content", result.Location));
            rows.Add(("etag", result.ETag));
            rows.Add(("chunksSha256", result.ChunksSha256));
            rows.Add(("completed", Timestamp(result.CompletedAt)));
        }

        foreach (var (name, value) in upload.Metadata)
        {
            rows.Add(($"metadata.{name}", value));
        }

        if (IsOutputTerminal)
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            foreach (var (name, value) in rows)
            {
                grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
            }

            _out.Value.Write(grid);
            return;
        }

        var width = rows.Max(row => row.Name.Length);
        foreach (var (name, value) in rows)
        {
            Console.Out.WriteLine($"{name.PadRight(width)}  {value}");
        }
    }

    public void WriteUploads(IReadOnlyList<UploadResource> uploads)
    {
        if (Json)
        {
            WriteJson(uploads, CliJsonContext.Default.IReadOnlyListUploadResource);
            return;
        }

        string[] header = ["ID", "STATE", "SIZE", "RECEIVED", "UPDATED", "FILE"];
        var rows = uploads.Select(upload => new[]
        {
            upload.UploadId,
            upload.State.ToString(),
            upload.Size is { } total ? ByteSize.Format(total) : "?",
            upload.Size switch
            {
                null => ByteSize.Format(upload.ReceivedBytes),
                0 => "100%",
                { } size => $"{upload.ReceivedBytes * 100 / size}%",
            },
            Timestamp(upload.UpdatedAt),
            upload.FileName,
        }).ToArray();

        if (IsOutputTerminal)
        {
            var table = new Table().Border(TableBorder.Simple);
            foreach (var column in header)
            {
                // Ids and times are copied from here: only the file name may wrap.
                table.AddColumn(new TableColumn(column) { NoWrap = column != "FILE" });
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(cell => new Text(cell)).ToArray());
            }

            _out.Value.Write(table);
            return;
        }

        var widths = header.Select((column, i) => Math.Max(column.Length, rows.Length == 0 ? 0 : rows.Max(row => row[i].Length))).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            Console.Out.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }
    }

    public void WriteError(UploadsException exception, int exitCode) =>
        WriteError(new CliError(exception.Status, exception.ErrorCode, exception.Message, exception.Detail, exitCode));

    public void WriteError(CliError error)
    {
        if (Json)
        {
            Console.Error.WriteLine(JsonSerializer.Serialize(new CliErrorDocument(error), CliJsonContext.Default.CliErrorDocument));
            return;
        }

        Console.Error.WriteLine($"error: {error.Message}");
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static IAnsiConsole CreateConsole(TextWriter writer) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
}
