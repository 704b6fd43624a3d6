using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Uploads.Storage;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// This silo's membership of the cluster: its own record in the membership table (joined, renewed every heartbeat,
/// marked leaving, removed), its view of the other silos, the placement of grains over that view, and what follows from
/// changes of it: activations of grains now owned elsewhere are deactivated, and a silo that cannot renew its record in
/// time fences itself (refuses grain calls and drops every activation) before the others may declare it dead.
/// </summary>
/// <remarks>
/// Single activation is best effort while views differ between silos; what keeps two activations of one grain from
/// losing data is that every state write is conditional on its entity tag. A single silo (no
/// <see cref="ClusterOptions.InternalUrl"/>) has no record and is the owner of every grain.
/// </remarks>
internal sealed partial class ClusterMembership : IClusterMembership, IDisposable
{
    private const int MaxMachineNameLength = 40;

    private readonly MembershipTable _table;
    private readonly ActivationCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly ClusterOptions _options;
    private readonly ILogger<ClusterMembership> _logger;
    private readonly MembershipObserver _observer = new();
    private readonly SemaphoreSlim _recordLock = new(1, 1);
    private readonly Lock _refreshLock = new();
    private readonly Lock _balanceLock = new();
    private readonly Lock _backgroundLock = new();
    private readonly List<Task> _background = [];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _suspects = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private readonly Uri? _address;

    private MembershipView _view = MembershipView.Empty;
    private Task? _refresh;
    private string? _ownETag;
    private string? _balancedFor;
    private volatile bool _joined;
    private volatile bool _leaving;
    private volatile bool _removed;
    private volatile bool _superseded;
    private volatile bool _rejoining;
    private bool _fenceReported;
    private long _lastRenewalTicks;
    private long _lastHeartbeatTicks;
    private int _disposed;

    public ClusterMembership(
        IGrainStateStore store,
        ActivationCatalog catalog,
        TimeProvider timeProvider,
        IOptions<ClusterOptions> options,
        ILogger<ClusterMembership> logger)
    {
        _table = new MembershipTable(store);
        _catalog = catalog;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
        LocalSiloId = _options.SiloId.Length > 0 ? _options.SiloId : DefaultSiloId();
        StartedAt = timeProvider.GetUtcNow();
        _address = _options.IsClustered ? new Uri(new Uri(_options.InternalUrl.Trim()).GetLeftPart(UriPartial.Authority)) : null;
    }

    public string LocalSiloId { get; }

    public bool IsClustered => _options.IsClustered;

    public DateTimeOffset StartedAt { get; }

    public SiloStatus LocalStatus => StatusAt(_timeProvider.GetUtcNow());

    /// <summary>Whether this silo serves grain calls now: it is <see cref="SiloStatus.Active"/>.</summary>
    public bool IsServing => LocalStatus == SiloStatus.Active;

    /// <summary>The current view of the other silos.</summary>
    internal MembershipView View => Volatile.Read(ref _view);

    private DateTimeOffset FenceDeadline =>
        new DateTimeOffset(Volatile.Read(ref _lastRenewalTicks), TimeSpan.Zero) + (_options.DeadAfter - _options.HeartbeatInterval);

    public IReadOnlyList<SiloInfo> GetSilos()
    {
        var lastHeartbeat = IsClustered ? new DateTimeOffset(Volatile.Read(ref _lastHeartbeatTicks), TimeSpan.Zero) : (DateTimeOffset?)null;
        var silos = new List<SiloInfo> { new(LocalSiloId, LocalStatus, _address, StartedAt, lastHeartbeat, _catalog.ActivationCount, IsSelf: true) };
        foreach (var other in View.Others)
        {
            var record = other.Record;
            silos.Add(new SiloInfo(record.SiloId, other.Status, other.Address, record.StartedAt, record.LastHeartbeat, record.ActivationCount, IsSelf: false));
        }

        silos.Sort(static (a, b) => string.CompareOrdinal(a.SiloId, b.SiloId));
        return silos;
    }

    /// <summary>
    /// The owner of <paramref name="grainId"/> among the silos that may own grains now: the active silos of the view,
    /// this one while it is active, less those suspected here and those in <paramref name="excluded"/> (suspected by the
    /// silo that forwarded the call). <see langword="null"/> when no silo may own it.
    /// </summary>
    public SiloAddress? SelectOwner(GrainId grainId, IReadOnlyCollection<string>? excluded = null) =>
        SelectOwnerAt(grainId, excluded, _timeProvider.GetUtcNow());

    public bool IsLocalOwner(GrainId grainId) => SelectOwner(grainId)?.SiloId == LocalSiloId;

    /// <summary>The silos this silo suspects now: it could not reach them, though their records look alive.</summary>
    public IReadOnlyCollection<string> GetSuspects()
    {
        var now = _timeProvider.GetUtcNow();
        return _suspects.IsEmpty ? [] : _suspects.Keys.Where(siloId => IsSuspected(siloId, now)).ToArray();
    }

    /// <summary>
    /// Takes <paramref name="siloId"/> out of this silo's placement for <see cref="ClusterOptions.DeadAfter"/>: it did not
    /// take a connection, so its grains go to the next silo in their order rather than wait for it to be declared dead.
    /// </summary>
    public void Suspect(string siloId)
    {
        var until = _timeProvider.GetUtcNow() + _options.DeadAfter;
        if (_suspects.TryGetValue(siloId, out var current) && current >= until)
        {
            return;
        }

        _suspects[siloId] = until;
        LogSuspected(_logger, LocalSiloId, siloId, until);
    }

    /// <summary>Registers this silo as active in the membership table, taking over any earlier record of its id, and reads the others'.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        if (!IsClustered)
        {
            return;
        }

        await _recordLock.WaitAsync(cancellationToken);
        try
        {
            var existing = await _table.ReadAsync(LocalSiloId, cancellationToken);
            if (existing is { Record.Status: not SiloStatus.Dead } && existing.Record.InstanceId != _instanceId)
            {
                // A restart faster than DeadAfter, or a second process with this id: the newer one wins either way, and
                // the older one, if it still runs, finds out at its next heartbeat and stops serving.
                LogReplacingRecord(_logger, LocalSiloId, existing.Record.StartedAt);
            }

            _ownETag = existing?.ETag;
            await WriteOwnRecordAsync(SiloStatus.Active, cancellationToken);
            _joined = true;
        }
        finally
        {
            _recordLock.Release();
        }

        LogJoined(_logger, LocalSiloId, _address!);
        await RefreshAsync(cancellationToken);
    }

    /// <summary>
    /// One heartbeat: renews this silo's record, reads the others', declares dead the silos whose records went
    /// unrenewed, and deactivates what this silo no longer owns. A store that fails is logged, not thrown: the next
    /// heartbeat tries again, and a silo that keeps failing fences itself. Bounded by DeadAfter less a heartbeat.
    /// </summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        if (!IsClustered || !_joined || _removed)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DeadAfter - _options.HeartbeatInterval);
        try
        {
            if (!_superseded)
            {
                await RenewAsync(timeout.Token);
            }

            await RefreshAsync(timeout.Token);
        }
        catch (StorageException exception)
        {
            LogHeartbeatFailed(_logger, LocalSiloId, FenceDeadline, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogHeartbeatFailed(_logger, LocalSiloId, FenceDeadline, exception);
        }

        ReportFencing();
        RebalanceIfChanged();
    }

    /// <summary>
    /// Reads the membership table now and replaces the view. Calls that ask while a reading is under way share it; the
    /// caller's token ends its wait, not the reading.
    /// </summary>
    /// <exception cref="StorageException">The table could not be read; the view stays as it was.</exception>
    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (!IsClustered)
        {
            return Task.CompletedTask;
        }

        Task refresh;
        lock (_refreshLock)
        {
            if (_refresh is not { IsCompleted: false })
            {
                // Off the caller's thread: a store that completes synchronously must not run the reading under this lock.
                _refresh = Task.Run(() => RefreshCoreAsync(_shutdown.Token), CancellationToken.None);
            }

            refresh = _refresh;
        }

        return refresh.WaitAsync(cancellationToken);
    }

    /// <summary>Marks this silo leaving in its record: the others stop placing grains on it, and so does it.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (!IsClustered || !_joined)
        {
            return;
        }

        _leaving = true;
        RebalanceIfChanged();
        try
        {
            await RenewAsync(cancellationToken);
            LogLeaving(_logger, LocalSiloId);
        }
        catch (StorageException exception)
        {
            // The others find the record unrenewed instead, and declare this silo dead DeadAfter later.
            LogLeaveFailed(_logger, LocalSiloId, exception);
        }
    }

    /// <summary>Deletes this silo's record: the last step of leaving. No heartbeat renews it afterwards.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (!IsClustered || !_joined)
        {
            return;
        }

        await _recordLock.WaitAsync(cancellationToken);
        try
        {
            if (_removed || _superseded || _ownETag is null)
            {
                return;
            }

            _removed = true;
            try
            {
                await _table.DeleteAsync(LocalSiloId, _ownETag, cancellationToken);
                LogLeft(_logger, LocalSiloId);
            }
            catch (StorageException exception)
            {
                LogLeaveFailed(_logger, LocalSiloId, exception);
            }
        }
        finally
        {
            _recordLock.Release();
        }
    }

    /// <summary>Waits for the deactivations started in the background (after view changes) to end.</summary>
    public Task WaitForBackgroundWorkAsync(CancellationToken cancellationToken)
    {
        Task[] tasks;
        lock (_backgroundLock)
        {
            tasks = [.. _background];
        }

        return Task.WhenAll(tasks).WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        // The container disposes this once as ClusterMembership and once as IClusterMembership.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _shutdown.Cancel();
        _shutdown.Dispose();
        _recordLock.Dispose();
    }

    private static string DefaultSiloId()
    {
        var name = new string(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        name = name.Length == 0 ? "silo" : name[..Math.Min(name.Length, MaxMachineNameLength)];
        return $"{name}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
    }

    /// <summary>This silo's status at <paramref name="now"/>; one instant serves a decision that reads it more than once.</summary>
    private SiloStatus StatusAt(DateTimeOffset now)
    {
        if (!IsClustered)
        {
            return SiloStatus.Active;
        }

        if (_leaving)
        {
            return SiloStatus.Leaving;
        }

        if (_superseded || _rejoining || !_joined)
        {
            return SiloStatus.Fenced;
        }

        // Judged on every call, not only when the heartbeat loop wakes: the others may declare this silo dead
        // DeadAfter after they saw its last renewal, so it stops a heartbeat interval before that.
        return now >= FenceDeadline ? SiloStatus.Fenced : SiloStatus.Active;
    }

    /// <summary><see cref="SelectOwner"/> as it stands at <paramref name="now"/>.</summary>
    private SiloAddress? SelectOwnerAt(GrainId grainId, IReadOnlyCollection<string>? excluded, DateTimeOffset now)
    {
        if (!IsClustered)
        {
            return new SiloAddress(LocalSiloId, Address: null);
        }

        var view = View;
        var candidates = new List<string>(view.ActiveOthers.Count + 1);
        if (StatusAt(now) == SiloStatus.Active)
        {
            candidates.Add(LocalSiloId);
        }

        foreach (var siloId in view.ActiveOthers.Keys)
        {
            if (!IsSuspected(siloId, now) && (excluded is null || !excluded.Contains(siloId)))
            {
                candidates.Add(siloId);
            }
        }

        return RendezvousPlacement.SelectOwner(grainId, candidates) switch
        {
            null => null,
            var owner when owner == LocalSiloId => new SiloAddress(owner, Address: null),
            var owner => new SiloAddress(owner, view.ActiveOthers[owner]),
        };
    }

    private bool IsSuspected(string siloId, DateTimeOffset now) => _suspects.TryGetValue(siloId, out var until) && until > now;

    // Called with _recordLock held.
    private async Task WriteOwnRecordAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetUtcNow();
        var record = new MembershipRecord
        {
            SiloId = LocalSiloId,
            InstanceId = _instanceId,
            Address = _address!.GetLeftPart(UriPartial.Authority),
            StartedAt = StartedAt,
            LastHeartbeat = started,
            Status = status,
            ActivationCount = _catalog.ActivationCount,
        };
        _ownETag = await _table.WriteAsync(record, _ownETag, cancellationToken);

        // The start of the write, not its end: the others may have seen the new version from the moment it landed.
        Volatile.Write(ref _lastRenewalTicks, started.UtcTicks);
        Volatile.Write(ref _lastHeartbeatTicks, started.UtcTicks);
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        await _recordLock.WaitAsync(cancellationToken);
        try
        {
            if (_removed || _superseded)
            {
                return;
            }

            var status = _leaving ? SiloStatus.Leaving : SiloStatus.Active;
            try
            {
                await WriteOwnRecordAsync(status, cancellationToken);
                return;
            }
            catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
            {
                // Someone else wrote this silo's record: find out who.
            }

            var current = await _table.ReadAsync(LocalSiloId, cancellationToken);
            if (current is not null && current.Record.InstanceId != _instanceId)
            {
                _superseded = true;
                LogSuperseded(_logger, LocalSiloId, current.Record.StartedAt);
                RebalanceIfChanged();
                return;
            }

            if (current is null || current.Record.Status == SiloStatus.Dead)
            {
                // Declared dead by the others, who have taken this silo's grains over: its activations may be stale, so
                // they go before it owns grains again.
                _rejoining = true;
                LogDeclaredDeadByOthers(_logger, LocalSiloId);
                await _catalog.DeactivateAllAsync(DeactivationReason.Fenced, cancellationToken);
            }

            // Otherwise the record is this silo's own, from a write whose answer was lost: carry on from it.
            _ownETag = current?.ETag;
            await WriteOwnRecordAsync(status, cancellationToken);
            if (_rejoining)
            {
                _rejoining = false;
                LogJoined(_logger, LocalSiloId, _address!);
            }
        }
        finally
        {
            _recordLock.Release();
        }
    }

    private async Task RefreshCoreAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DeadAfter);
        var entries = await _table.ReadAllAsync(timeout.Token);
        var observation = _observer.Observe(entries, LocalSiloId, _timeProvider.GetUtcNow(), _options.DeadAfter, _options.DeadSiloRetention);
        var previous = Interlocked.Exchange(ref _view, observation.View);
        if (!previous.ActiveOthers.Keys.Order(StringComparer.Ordinal).SequenceEqual(observation.View.ActiveOthers.Keys.Order(StringComparer.Ordinal)))
        {
            LogViewChanged(_logger, LocalSiloId, string.Join(", ", observation.View.ActiveOthers.Keys.Order(StringComparer.Ordinal)));
        }

        foreach (var stale in observation.Stale)
        {
            try
            {
                // Conditional on the version read: a silo that renewed its record meanwhile is not declared dead.
                await _table.WriteAsync(stale.Record with { Status = SiloStatus.Dead }, stale.ETag, timeout.Token);
                LogDeclaredDead(_logger, stale.Record.SiloId, stale.Record.LastHeartbeat);
            }
            catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
            {
                // Renewed, or declared dead by another silo first: the next reading tells.
            }
        }

        foreach (var expired in observation.Expired)
        {
            try
            {
                await _table.DeleteAsync(expired.Record.SiloId, expired.ETag, timeout.Token);
                LogDeletedDeadRecord(_logger, expired.Record.SiloId, expired.Record.LastHeartbeat);
            }
            catch (StorageException exception) when (exception.Code == StorageErrorCode.Conflict)
            {
                // Rewritten meanwhile (the silo came back) or deleted by another silo: nothing to do.
            }
        }

        RebalanceIfChanged();
    }

    private void ReportFencing()
    {
        var fenced = LocalStatus == SiloStatus.Fenced;
        if (fenced && !_fenceReported)
        {
            LogFenced(_logger, LocalSiloId, new DateTimeOffset(Volatile.Read(ref _lastRenewalTicks), TimeSpan.Zero));
        }
        else if (!fenced && _fenceReported)
        {
            LogUnfenced(_logger, LocalSiloId);
        }

        _fenceReported = fenced;
    }

    /// <summary>
    /// When the silos that may own grains changed since the last time (the view, this silo's own status, suspicions),
    /// deactivates in the background the activations of grains this silo does not own any more, so that their next
    /// call activates them, with fresh state, on their owner. A fenced or leaving silo owns nothing.
    /// </summary>
    private void RebalanceIfChanged()
    {
        var now = _timeProvider.GetUtcNow();
        var status = LocalStatus;
        var candidates = View.ActiveOthers.Keys.Where(siloId => !IsSuspected(siloId, now)).Order(StringComparer.Ordinal);
        var key = $"{status}|{string.Join(",", candidates)}";
        lock (_balanceLock)
        {
            if (key == _balancedFor)
            {
                return;
            }

            _balancedFor = key;
        }

        RunInBackground(async cancellationToken =>
        {
            // Judged when the work runs, which may be after a later change, and at one instant: the status that gives the
            // reason is the one that decides which grains go (a fence reached half-way is the next rebalance's work).
            var now = _timeProvider.GetUtcNow();
            var reason = StatusAt(now) switch
            {
                SiloStatus.Active => DeactivationReason.PlacementChanged,
                SiloStatus.Leaving => DeactivationReason.ShuttingDown,
                _ => DeactivationReason.Fenced,
            };
            var count = await _catalog.DeactivateWhereAsync(
                grainId => SelectOwnerAt(grainId, excluded: null, now)?.SiloId != LocalSiloId, reason, cancellationToken);
            if (count > 0)
            {
                LogRebalanced(_logger, LocalSiloId, count, reason);
            }
        });
    }

    private void RunInBackground(Func<CancellationToken, Task> work)
    {
        var token = _shutdown.Token;
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await work(token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Shutting down: deactivation on stop takes over.
                }
                catch (Exception exception)
                {
                    // Nobody awaits this task but the shutdown: the log is where its failure goes.
                    LogBackgroundWorkFailed(_logger, LocalSiloId, exception);
                }
            },
            CancellationToken.None);
        lock (_backgroundLock)
        {
            _background.RemoveAll(static pending => pending.IsCompleted);
            _background.Add(task);
        }
    }
}
