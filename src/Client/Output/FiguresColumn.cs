using Spectre.Console;
using Spectre.Console.Rendering;

namespace Uploads.Client.Cli.Output;

/// <summary>A progress column that shows the latest figures of the one transfer on screen.</summary>
internal sealed class FiguresColumn : ProgressColumn
{
    private volatile string _figures = "";

    public string Figures
    {
        get => _figures;
        set => _figures = value;
    }

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(_figures, new Style(Color.Grey));
}
