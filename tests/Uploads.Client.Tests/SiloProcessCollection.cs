namespace Uploads.Client.Tests;

/// <summary>
/// The tests that start silo processes. They run one at a time: each starts real processes and moves megabytes,
/// which on a small machine would otherwise starve each other past their deadlines.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloProcessCollection
{
    public const string Name = "Silo processes";
}
