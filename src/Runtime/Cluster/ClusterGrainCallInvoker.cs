using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uploads.Storage;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// The <see cref="IGrainCallInvoker"/> of a silo in a cluster: a call of a grain this silo owns runs on its local
/// activation; any other goes to its owner in one hop. When the owner cannot take it — no connection, not the owner in
/// its own view, leaving — the call surely did not run, so it is placed again (on a refreshed view, without the silo
/// that failed) and retried, a bounded number of times; when it may have run (a broken connection, a timeout), or the
/// retries run out, the caller gets a <see cref="SiloUnavailableException"/> to retry later.
/// </summary>
internal sealed partial class ClusterGrainCallInvoker : IGrainCallInvoker
{
    private const int MaxAttempts = 3;

    private static readonly TimeSpan s_retryDelay = TimeSpan.FromMilliseconds(50);

    private readonly ActivationCatalog _local;
    private readonly ClusterMembership _membership;
    private readonly GrainCallForwarder _forwarder;
    private readonly GrainCallSerializer _serializer;
    private readonly InFlightCalls _inFlight;
    private readonly TimeProvider _timeProvider;
    private readonly ClusterOptions _options;
    private readonly ILogger<ClusterGrainCallInvoker> _logger;

    public ClusterGrainCallInvoker(
        ActivationCatalog local,
        ClusterMembership membership,
        GrainCallForwarder forwarder,
        GrainCallSerializer serializer,
        InFlightCalls inFlight,
        TimeProvider timeProvider,
        IOptions<ClusterOptions> options,
        ILogger<ClusterGrainCallInvoker> logger)
    {
        _local = local;
        _membership = membership;
        _forwarder = forwarder;
        _serializer = serializer;
        _inFlight = inFlight;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var attempt = 1; ; attempt++)
        {
            // A fenced silo cannot trust its view of who owns what; a leaving one still forwards to the others.
            if (_membership.LocalStatus == SiloStatus.Fenced)
            {
                throw Unavailable($"Silo {_membership.LocalSiloId} cannot renew its cluster membership and serves no grain calls until it does.");
            }

            var owner = _membership.SelectOwner(call.GrainId)
                ?? throw Unavailable($"No silo of the cluster may own grain {call.GrainId} now: every silo of this silo's view is dead, leaving or unreachable.");
            if (owner.Address is null)
            {
                return await InvokeLocalAsync(call, cancellationToken);
            }

            var request = _serializer.ToRequest(call, _membership.GetSuspects());
            var result = await _forwarder.ForwardAsync(owner.Address, request, cancellationToken);
            switch (result.Status)
            {
                case ForwardStatus.Completed:
                    return _serializer.ReadResult(call, result.Response!, owner.SiloId);
                case ForwardStatus.NotOwner:
                    // Its view is newer (or older) than this one: read the membership again before placing again.
                    await TryRefreshAsync(cancellationToken);
                    break;
                case ForwardStatus.NotServing:
                    _membership.Suspect(owner.SiloId);
                    await TryRefreshAsync(cancellationToken);
                    break;
                case ForwardStatus.Unreachable:
                    _membership.Suspect(owner.SiloId);
                    break;
                case ForwardStatus.Broken:
                    // The call may have run: only the caller knows whether it is safe to send again. The silo is most
                    // likely gone, so the next calls go elsewhere at once.
                    _membership.Suspect(owner.SiloId);
                    LogForwardFailed(_logger, call.GrainId, owner.SiloId, result.Status, result.Detail);
                    throw Unavailable($"Silo {owner.SiloId}, owner of grain {call.GrainId}, broke off the call ({result.Detail}); it may or may not have run. Retry it.");
                case ForwardStatus.TimedOut:
                    LogForwardFailed(_logger, call.GrainId, owner.SiloId, result.Status, result.Detail);
                    throw Unavailable($"Silo {owner.SiloId}, owner of grain {call.GrainId}, did not answer within {_options.ForwardTimeout}; the call may still run there. Retry it.");
                default:
                    LogForwardRejected(_logger, call.GrainId, owner.SiloId, result.Detail);
                    throw Unavailable($"Silo {owner.SiloId} refused a call of grain {call.GrainId}: {result.Detail}.");
            }

            LogRetrying(_logger, call.GrainId, owner.SiloId, result.Status, attempt, MaxAttempts);
            if (attempt == MaxAttempts)
            {
                throw Unavailable($"Grain {call.GrainId} could not be reached on its owner after {MaxAttempts} attempts (last: silo {owner.SiloId}, {result.Detail}); the cluster membership is changing. Retry it.");
            }

            // A silo that refused the connection is suspected now, so the next placement differs: no need to wait. A silo
            // that answered may need a moment for the views to settle.
            if (result.Status != ForwardStatus.Unreachable)
            {
                await Task.Delay(s_retryDelay * attempt, _timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>Runs <paramref name="call"/> on this silo's activation of its grain, counted among the calls in flight.</summary>
    public async Task<object?> InvokeLocalAsync(GrainCall call, CancellationToken cancellationToken)
    {
        using (_inFlight.Enter())
        {
            return await _local.InvokeAsync(call, cancellationToken);
        }
    }

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _membership.RefreshAsync(cancellationToken);
        }
        catch (StorageException exception)
        {
            // Placed again on the view at hand; the heartbeat keeps trying to read a newer one.
            LogRefreshFailed(_logger, exception);
        }
    }

    private SiloUnavailableException Unavailable(string message) => new(message, _options.HeartbeatInterval);
}
