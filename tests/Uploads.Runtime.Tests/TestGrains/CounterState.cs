namespace Uploads.Runtime.Tests.TestGrains;

public sealed class CounterState
{
    public List<string> Entries { get; set; } = [];
}
