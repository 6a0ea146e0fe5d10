using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Compat.Flags;

namespace Switchyard.Compat.Acks;

/// <summary>
/// Tells the engine what this client applied: registers its LISTEN session, and acknowledges the version of every
/// cached flag (with a heartbeat) after each reload or notification. Best effort: a failure is logged once and never
/// stops flag updates (the engine then sees no acknowledgement and refuses to drop anything).
/// </summary>
internal sealed class FlagAcknowledger(ILogger logger)
{
    private int _failureLogged;

    /// <summary>This client's identity in <c>switchyard.compat_clients</c>.</summary>
    public Guid ClientId { get; } = Guid.NewGuid();

    private static readonly string Host = Environment.MachineName;

    private static readonly int OsPid = Environment.ProcessId;

    public static async Task EnsureTablesAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken ct)
    {
        try
        {
            await CompatSchema.EnsureAsync(dataSource, [FlagAcksTable.CreateClientsSql, FlagAcksTable.CreateAcksSql], ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            FlagClientLog.AckFailed(logger, e);
        }
    }

    public Task RegisterListenerAsync(NpgsqlConnection listener, CancellationToken ct) =>
        RunAsync(listener, FlagAcksTable.RegisterListenerSql, [ClientId, Host, OsPid], ct);

    public Task AcknowledgeAsync(NpgsqlConnection connection, IReadOnlyCollection<CompatFlag> flags, CancellationToken ct) =>
        RunAsync(connection, FlagAcksTable.AcknowledgeSql, [ClientId, Host, OsPid, flags.Select(f => f.FlagKey).ToArray(), flags.Select(f => f.Version).ToArray()], ct);

    public async Task UnregisterAsync(NpgsqlDataSource dataSource)
    {
        try
        {
            var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
                await RunAsync(connection, FlagAcksTable.UnregisterSql, [ClientId], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            LogOnce(e);
        }
    }

    private async Task RunAsync(NpgsqlConnection connection, string sql, object[] values, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 10 };
        foreach (var value in values) cmd.Parameters.AddWithValue(value);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            // A missing table or privilege: the client keeps working; rollback will name it as not acknowledging.
            LogOnce(e);
        }
    }

    private void LogOnce(Exception e)
    {
        if (Interlocked.Exchange(ref _failureLogged, 1) == 0) FlagClientLog.AckFailed(logger, e);
    }
}
