using Orleans.Runtime.Messaging;
using Orleans.Storage;
using Uploads.Abstractions;

namespace Uploads.Grains.Tests;

public sealed class GrainCallRetryTests
{
    [Fact]
    public async Task Invoke_InconsistentStateTwice_RetriesOnFreshActivationAndSucceeds()
    {
        var attempts = 0;

        var result = await GrainCallRetry.InvokeAsync(() => ++attempts <= 2 ? throw new InconsistentStateException("another activation wrote") : Task.FromResult(attempts));

        Assert.Equal(3, result);
    }

    [Fact]
    public async Task Invoke_InconsistentStateEveryTime_GivesUpAfterThreeRetries()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InconsistentStateException>(() => GrainCallRetry.InvokeAsync(() =>
        {
            attempts++;
            return Task.FromException<int>(new InconsistentStateException("another activation wrote"));
        }));

        Assert.Equal(4, attempts);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("connection")]
    [InlineData("timeout")]
    public async Task Invoke_SiloUnavailableForAWhile_RetriesUntilTheGrainAnswers(string kind)
    {
        var attempts = 0;

        var result = await GrainCallRetry.InvokeAsync<string>(() => ++attempts <= 3
            ? throw kind switch
            {
                "silo" => new SiloUnavailableException(),
                "connection" => new ConnectionFailedException("the silo's port refused the connection"),
                _ => new TimeoutException("the silo did not answer in time"),
            }
            : Task.FromResult("answered"));

        Assert.Equal(("answered", 4), (result, attempts));
    }

    [Fact]
    public async Task Invoke_RefusalOfTheUpload_IsNotRetried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<UploadException>(() => GrainCallRetry.InvokeAsync(() =>
        {
            attempts++;
            return Task.FromException<int>(new UploadException(UploadErrorCodes.InvalidState, "completed"));
        }));

        Assert.Equal(1, attempts);
    }
}
