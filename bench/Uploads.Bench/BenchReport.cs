using System.Text;
using System.Text.Json;

namespace Uploads.Bench;

/// <summary>Collects the tables of a run, prints each as Markdown when it is added, and writes them all as JSON at the end.</summary>
internal sealed class BenchReport
{
    private readonly BenchOptions _options;
    private readonly List<BenchTable> _tables = [];

    public BenchReport(BenchOptions options)
    {
        _options = options;
    }

    public void Add(BenchTable table)
    {
        _tables.Add(table);
        var text = new StringBuilder();
        text.AppendLine().AppendLine($"### {table.Title}").AppendLine();
        text.AppendLine("| " + string.Join(" | ", table.Columns) + " |");
        text.AppendLine("|" + string.Concat(table.Columns.Select(_ => "---|")));
        foreach (var row in table.Rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        if (table.Note is not null)
        {
            text.AppendLine().AppendLine(table.Note);
        }

        Console.Write(text.ToString());
    }

    public async Task WriteJsonAsync()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_options.OutputPath))!;
        Directory.CreateDirectory(directory);
        var document = new
        {
            date = DateTimeOffset.UtcNow,
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            options = _options,
            tables = _tables,
        };
        await File.WriteAllTextAsync(_options.OutputPath, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine();
        Console.WriteLine($"Results written to {_options.OutputPath}");
    }
}
