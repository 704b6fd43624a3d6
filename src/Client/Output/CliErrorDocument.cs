namespace Uploads.Client.Cli.Output;

/// <summary>The JSON document of an error: one member, <c>error</c>.</summary>
internal sealed record CliErrorDocument(CliError Error);
