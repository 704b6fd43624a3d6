namespace Uploads.Storage.Tests;

/// <summary>A clock that says what the test wants; timers and timestamps stay real.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset now)
    {
        _now = now;
    }

    public override DateTimeOffset GetUtcNow() => _now;
}
