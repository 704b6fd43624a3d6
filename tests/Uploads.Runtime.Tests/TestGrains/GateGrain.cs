namespace Uploads.Runtime.Tests.TestGrains;

/// <summary>Holds each call until the test releases it, so tests can see which calls run at once and in which order.</summary>
internal sealed class GateGrain : Grain, IGateGrain
{
    private readonly IGrainContext _context;
    private readonly GrainProbe _probe;

    public GateGrain(IGrainContext context, GrainProbe probe)
    {
        _context = context;
        _probe = probe;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _probe.Record($"deactivate:{_context.GrainId.Key}:{reason}");
        return Task.CompletedTask;
    }

    public Task RunAsync(int callId, CancellationToken cancellationToken = default) => _probe.RunGateAsync(callId, cancellationToken);

    public async Task RunThenDeactivateAsync(int callId, CancellationToken cancellationToken = default)
    {
        await _probe.RunGateAsync(callId, cancellationToken);
        _context.DeactivateOnIdle();
    }
}
