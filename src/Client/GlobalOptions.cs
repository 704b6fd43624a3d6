using System.CommandLine;
using System.CommandLine.Parsing;

namespace Uploads.Client.Cli;

/// <summary>The options every subcommand takes, and the client they configure.</summary>
internal sealed class GlobalOptions
{
    public const string ServerVariable = "UPLOADS_SERVER";
    public const string TokenVariable = "UPLOADS_TOKEN";
    public const string DefaultServer = "http://localhost:5000";

    public Option<Uri> Server { get; } = new("--server", "-s")
    {
        Description = $"The server's address [env: {ServerVariable}]",
        Recursive = true,
        CustomParser = ParseServer,
        DefaultValueFactory = result => ParseServer(result, Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } configured ? configured : DefaultServer),
    };

    // No default value factory: help would print the token it found.
    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"A bearer token for servers with authentication on [env: {TokenVariable}]",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write results as JSON to stdout (errors as JSON to stderr), for scripts",
        Recursive = true,
    };

    public Option<int> Retries { get; } = new("--retries")
    {
        Description = "How often a failed request is retried (network errors, 408, 429, 5xx)",
        Recursive = true,
        DefaultValueFactory = _ => 6,
    };

    public void AddTo(RootCommand root)
    {
        Retries.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 100)
            {
                result.AddError("--retries must be between 0 and 100.");
            }
        });
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Options.Add(Json);
        root.Options.Add(Retries);
    }

    /// <summary>A client for the server and token of <paramref name="parseResult"/>.</summary>
    public UploadsClient CreateClient(ParseResult parseResult)
    {
        var options = new UploadsClientOptions
        {
            BearerToken = parseResult.GetValue(Token) ?? Environment.GetEnvironmentVariable(TokenVariable),
        };
        options.Retry.MaxRetries = parseResult.GetValue(Retries);
        return new UploadsClient(parseResult.GetRequiredValue(Server), options);
    }

    private static Uri ParseServer(ArgumentResult result) => ParseServer(result, result.Tokens.Count > 0 ? result.Tokens[0].Value : DefaultServer);

    private static Uri ParseServer(ArgumentResult result, string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var server) && (server.Scheme == Uri.UriSchemeHttp || server.Scheme == Uri.UriSchemeHttps))
        {
            return server;
        }

        result.AddError($"'{value}' is not a server address: use http://host:port or https://host.");
        return new Uri(DefaultServer);
    }
}
