using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Uploads.Runtime.Tests;

public sealed class GrainRuntimeOptionsTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new GrainRuntimeOptionsValidator().Validate(name: null, new GrainRuntimeOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EveryValueBad_ReportsEachWithHowToFix()
    {
        var options = new GrainRuntimeOptions
        {
            IdleTimeout = TimeSpan.Zero,
            CollectionInterval = TimeSpan.FromSeconds(-1),
            MaxConflictRetries = -1,
        };

        var result = new GrainRuntimeOptionsValidator().Validate(name: null, options);

        Assert.True(result.Failed);
        Assert.Collection(
            result.Failures!,
            failure => Assert.StartsWith("Uploads:Runtime:IdleTimeout is 00:00:00; set a positive", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Runtime:CollectionInterval is -00:00:01; set a positive", failure, StringComparison.Ordinal),
            failure => Assert.StartsWith("Uploads:Runtime:MaxConflictRetries is -1; set zero", failure, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CollectionIntervalLongerThanATimerAllows_Fails()
    {
        var result = new GrainRuntimeOptionsValidator().Validate(name: null, new GrainRuntimeOptions { CollectionInterval = TimeSpan.FromDays(50) });

        Assert.True(result.Failed);
    }

    [Fact]
    public async Task AddGrainRuntime_SectionSet_BindsOptions()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Uploads:Runtime:IdleTimeout"] = "00:05:00",
            ["Uploads:Runtime:CollectionInterval"] = "00:00:10",
            ["Uploads:Runtime:MaxConflictRetries"] = "3",
        };
        await using var runtime = new RuntimeHarness(settings);

        var options = runtime.Services.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.CollectionInterval);
        Assert.Equal(3, options.MaxConflictRetries);
    }

    [Fact]
    public async Task AddGrainRuntime_BadSettings_FailsWithEveryProblem()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Uploads:Runtime:IdleTimeout"] = "-00:01:00",
            ["Uploads:Runtime:MaxConflictRetries"] = "-2",
        };
        await using var runtime = new RuntimeHarness(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => runtime.Services.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value);

        Assert.Equal(2, exception.Failures.Count());
    }
}
