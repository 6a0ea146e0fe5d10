namespace Switchyard.Core.Engine.Rollback;

/// <summary>
/// An application session that reads the flags: a registered Compat client (LISTEN session alive, or recent heartbeat)
/// or an unregistered session LISTENing on the flags channel, which can never acknowledge.
/// </summary>
/// <param name="ClientId">The client's id in switchyard.compat_clients; null for an unregistered LISTEN session.</param>
/// <param name="Host">Host name the client reported, or the session's client address.</param>
/// <param name="OsPid">The client's OS process id; null when unregistered.</param>
/// <param name="ApplicationName">The session's application_name.</param>
/// <param name="BackendPid">The live LISTEN session's backend pid; null when only its heartbeat is recent.</param>
/// <param name="AckedVersion">The flag version it acknowledged; 0 when none.</param>
public sealed record ConnectedClient(string? ClientId, string Host, int? OsPid, string ApplicationName, int? BackendPid, long AckedVersion)
{
    public override string ToString() => ClientId is null
        ? $"unregistered LISTEN session pid {BackendPid} (application_name '{ApplicationName}', from {Host}: not a Switchyard.Compat client that acknowledges)"
        : $"client {ClientId} on {Host} pid {OsPid} (application_name '{ApplicationName}', {(BackendPid is { } pid ? $"listener pid {pid}" : "no live listener, recent heartbeat")}, acknowledged version {AckedVersion})";
}
