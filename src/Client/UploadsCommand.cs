using System.CommandLine;
using Uploads.Client.Cli.Commands;

namespace Uploads.Client.Cli;

/// <summary>The <c>uploads</c> root command: its global options and the table of its subcommands.</summary>
internal static class UploadsCommand
{
    public static RootCommand Create()
    {
        var global = new GlobalOptions();
        var root = new RootCommand(
            $"""
            Resumable, parallel, verified uploads of large files to an Uploads server.

            {ExitCodes.Help}

            Environment:
              UPLOADS_SERVER     the server, when --server is not given (default http://localhost:5000)
              UPLOADS_TOKEN      a bearer token, when --token is not given
              UPLOADS_STATE_DIR  the folder of resume records (default: $XDG_STATE_HOME/uploads or
                                 ~/.local/state/uploads; %LOCALAPPDATA%\Uploads on Windows)
            """);
        global.AddTo(root);
        root.Subcommands.Add(PutCommand.Create(global));
        root.Subcommands.Add(ResumeCommand.Create(global));
        root.Subcommands.Add(StatusCommand.Create(global));
        root.Subcommands.Add(ListCommand.Create(global));
        root.Subcommands.Add(AbortCommand.Create(global));
        root.Subcommands.Add(GetCommand.Create(global));
        return root;
    }
}
