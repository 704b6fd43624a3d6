using System.CommandLine;
using Uploads.Client.Cli;

// Ctrl-C cancels the command's token; a paused upload needs a moment to abandon its requests and say how to resume.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) };
return await UploadsCommand.Create().Parse(args).InvokeAsync(invocation);
