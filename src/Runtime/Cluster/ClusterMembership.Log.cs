using Microsoft.Extensions.Logging;

namespace Uploads.Runtime.Cluster;

internal sealed partial class ClusterMembership
{
    [LoggerMessage(201, LogLevel.Information, "Silo {SiloId} joined the cluster; the other silos reach it at {Address}")]
    private static partial void LogJoined(ILogger logger, string siloId, Uri address);

    [LoggerMessage(202, LogLevel.Warning, "Silo id {SiloId} has a live record of another process, started {StartedAt}; this process takes it over, and the other stops serving grain calls")]
    private static partial void LogReplacingRecord(ILogger logger, string siloId, DateTimeOffset startedAt);

    [LoggerMessage(203, LogLevel.Warning, "Silo {SiloId} could not renew its membership or read the others'; unless a heartbeat succeeds by {FenceAt} it fences itself")]
    private static partial void LogHeartbeatFailed(ILogger logger, string siloId, DateTimeOffset fenceAt, Exception exception);

    [LoggerMessage(204, LogLevel.Error, "Silo {SiloId} has not renewed its membership since {LastRenewal} and fenced itself: it refuses grain calls and deactivates its grains until it renews it")]
    private static partial void LogFenced(ILogger logger, string siloId, DateTimeOffset lastRenewal);

    [LoggerMessage(205, LogLevel.Information, "Silo {SiloId} renewed its membership again and serves grain calls")]
    private static partial void LogUnfenced(ILogger logger, string siloId);

    [LoggerMessage(206, LogLevel.Warning, "Silo {SiloId} was declared dead by the other silos; it deactivates its grains and joins again")]
    private static partial void LogDeclaredDeadByOthers(ILogger logger, string siloId);

    [LoggerMessage(207, LogLevel.Critical, "Another process, started {StartedAt}, joined the cluster as silo {SiloId}; this process no longer serves grain calls. Give every silo its own Uploads:Cluster:SiloId, and stop this one")]
    private static partial void LogSuperseded(ILogger logger, string siloId, DateTimeOffset startedAt);

    [LoggerMessage(208, LogLevel.Warning, "Declared silo {SiloId} dead: its membership record went unrenewed since {LastHeartbeat} (its clock)")]
    private static partial void LogDeclaredDead(ILogger logger, string siloId, DateTimeOffset lastHeartbeat);

    [LoggerMessage(209, LogLevel.Information, "Deleted the membership record of silo {SiloId}, dead since {LastHeartbeat}")]
    private static partial void LogDeletedDeadRecord(ILogger logger, string siloId, DateTimeOffset lastHeartbeat);

    [LoggerMessage(210, LogLevel.Information, "Silo {SiloId} sees these other silos active: [{Silos}]")]
    private static partial void LogViewChanged(ILogger logger, string siloId, string silos);

    [LoggerMessage(211, LogLevel.Information, "Silo {SiloId} deactivated {Count} activations ({Reason})")]
    private static partial void LogRebalanced(ILogger logger, string siloId, int count, DeactivationReason reason);

    [LoggerMessage(212, LogLevel.Information, "Silo {SiloId} is leaving the cluster: the others stop placing grains on it")]
    private static partial void LogLeaving(ILogger logger, string siloId);

    [LoggerMessage(213, LogLevel.Information, "Silo {SiloId} left the cluster")]
    private static partial void LogLeft(ILogger logger, string siloId);

    [LoggerMessage(214, LogLevel.Warning, "Silo {SiloId} could not update its membership record while leaving; the others declare it dead once it goes unrenewed")]
    private static partial void LogLeaveFailed(ILogger logger, string siloId, Exception exception);

    [LoggerMessage(215, LogLevel.Warning, "Silo {SiloId} suspects silo {Suspect}, which refused a connection, and places its grains elsewhere until {Until}")]
    private static partial void LogSuspected(ILogger logger, string siloId, string suspect, DateTimeOffset until);

    [LoggerMessage(216, LogLevel.Warning, "Silo {SiloId} failed to deactivate the grains it no longer owns; the next membership change tries again")]
    private static partial void LogBackgroundWorkFailed(ILogger logger, string siloId, Exception exception);
}
