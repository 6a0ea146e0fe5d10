using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Runners;

namespace Switchyard.Core.Engine;

/// <summary>One runner per target table: the engine's <see cref="RunnerLease"/> (advisory lock plus heartbeat row).</summary>
public static class MigrationLock
{
    /// <summary>The runner lock name of a table; also the key of its row in <c>switchyard.runners</c>.</summary>
    public static string Name(string table) => "switchyard:" + table;

    public static Task<RunnerLease> AcquireAsync(NpgsqlDataSource dataSource, QualifiedName table, CancellationToken ct) =>
        AcquireAsync(dataSource, table, null, ct);

    /// <param name="migration">The migration this run works on, recorded in the heartbeat row.</param>
    public static Task<RunnerLease> AcquireAsync(NpgsqlDataSource dataSource, QualifiedName table, string? migration, CancellationToken ct) =>
        RunnerLease.AcquireAsync(dataSource, Name(table.ToString()), migration, table.ToString(), migration is null ? $"the run on {table}" : $"the run of '{migration}' on {table}",
            holder => new SwitchyardException(
                $"Another Switchyard run is migrating {table}: {holder}.",
                "Wait for it to finish (`switchyard status` shows its heartbeat); if that process is gone its heartbeat stops and a re-run takes over within seconds: work continues from the journal."),
            null, ct);
}
