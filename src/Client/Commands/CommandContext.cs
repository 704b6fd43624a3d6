using System.CommandLine;
using Uploads.Client.Cli.Output;

namespace Uploads.Client.Cli.Commands;

/// <summary>What a command's action works with: its parsed arguments, a client for the server, and the output.</summary>
internal sealed record CommandContext(ParseResult ParseResult, UploadsClient Client, CliOutput Output);
