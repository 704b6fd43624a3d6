using System.CommandLine;
using Uploads.Client.Cli.Output;

namespace Uploads.Client.Cli.Commands;

/// <summary>The options of the commands that upload: <c>--parallel</c> and <c>--chunk-size</c>.</summary>
internal sealed class TransferOptions
{
    private const int MaxParallel = 64;

    public Option<int> Parallel { get; } = new("--parallel", "-p")
    {
        Description = "How many chunks to send at once (memory use is this many chunk buffers)",
        DefaultValueFactory = _ => new UploadFileOptions().Parallelism,
    };

    public Option<long?> ChunkSize { get; } = new("--chunk-size", "-c")
    {
        Description = "The chunk size for a new upload, e.g. 8M or 65536 (default: the server's choice, 8 MiB for most files)",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (ByteSize.TryParse(text, out var bytes) && bytes > 0)
            {
                return bytes;
            }

            result.AddError($"'{text}' is not a size: use bytes or a number with K, M or G (powers of 1024), e.g. 8M.");
            return null;
        },
    };

    public void AddTo(Command command)
    {
        Parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MaxParallel)
            {
                result.AddError($"--parallel must be between 1 and {MaxParallel}.");
            }
        });
        command.Options.Add(Parallel);
        command.Options.Add(ChunkSize);
    }

    public UploadFileOptions Read(ParseResult parseResult) => new()
    {
        Parallelism = parseResult.GetValue(Parallel),
        ChunkSize = parseResult.GetValue(ChunkSize),
    };
}
