using Spectre.Console;

namespace Uploads.Client.Cli.Output;

/// <summary>
/// Shows a transfer's progress on stderr while it runs: a live bar on a terminal, a line per tenth otherwise, nothing
/// with <c>--json</c>. Stdout stays for results.
/// </summary>
internal static class ProgressView
{
    public static async Task<TResult> RunAsync<TProgress, TResult>(
        CliOutput output,
        string label,
        Func<TProgress, TransferSnapshot> project,
        Func<IProgress<TProgress>?, CancellationToken, Task<TResult>> run,
        CancellationToken cancellationToken = default)
    {
        if (output.Json)
        {
            return await run(null, cancellationToken);
        }

        if (!output.IsErrorTerminal)
        {
            var lastTenth = -1;
            var gate = new Lock();
            return await run(new CallbackProgress<TProgress>(progress =>
            {
                var snapshot = project(progress);
                lock (gate)
                {
                    if (snapshot.Percent / 10 > lastTenth)
                    {
                        lastTenth = snapshot.Percent / 10;
                        output.Note($"{label}: {snapshot.Percent,3}% {snapshot.Figures}");
                    }
                }
            }), cancellationToken);
        }

        var figures = new FiguresColumn();
        return await output.ErrorConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(), figures)
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: 1);
                return await run(new CallbackProgress<TProgress>(progress =>
                {
                    var snapshot = project(progress);
                    task.MaxValue = Math.Max(1, snapshot.Total);
                    task.Value = snapshot.Total == 0 ? 1 : snapshot.Done;
                    figures.Figures = snapshot.Figures;
                }), cancellationToken);
            });
    }
}
