namespace Uploads.EndToEnd.Tests;

/// <summary>
/// The tests that start silo processes. They run one at a time: each starts real processes and moves tens of
/// megabytes, which on a small machine would otherwise starve each other past their deadlines.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloProcessCollection
{
    public const string Name = "Silo processes";
}
