namespace Uploads.Bench;

/// <summary>One printed table: a title, column names, rows of formatted cells, and an optional note below it.</summary>
internal sealed record BenchTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null);
