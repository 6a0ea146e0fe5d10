using Npgsql;
using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>
/// Runs the engine's own Expand steps of a spec (the planner's SQL: lookup table, codes, state_id, the dual-write
/// trigger, the flag row, the NOT VALID foreign key) through the SafeSqlRunner, then a keyset backfill with the
/// engine's batch SQL, without <c>MigrationEngine.ApplyAsync</c>'s journaling (for tests that want the migrated shape
/// with no migration record, e.g. Guards/GuardedBackfillTests). The compat tests use the full engine
/// (<see cref="CompatLedgerDatabase"/>).
/// </summary>
internal static class EngineExpand
{
    public static async Task ApplyExpandAndBackfillAsync(SafeSqlRunner sql, NpgsqlDataSource dataSource, string specPath)
    {
        // The Expand steps register the flag in switchyard.flags: the journal schema must exist first.
        await Switchyard.Core.Journal.JournalSchema.EnsureAsync(sql, CancellationToken.None);
        var spec = SpecLoader.LoadFile(specPath);
        var live = new Dictionary<QualifiedName, IReadOnlyList<CatalogColumn>>();
        foreach (var table in spec.Operations.OfType<DropColumnOperation>().Select(d => d.Table).Distinct())
            live[table] = await CatalogSnapshot.ColumnsAsync(sql, table, CancellationToken.None);
        var plan = MigrationPlanner.Build(spec, live);
        foreach (var step in plan.Phase(MigrationPhase.Expand).Steps)
            await sql.ExecuteDdlAsync(step.Statement ?? new DdlStatement(step.Sql, []), CancellationToken.None);

        var target = plan.Normalization!;
        var batch = NormalizationSql.BackfillBatch(target);
        var cursor = long.MinValue;
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var role = new NpgsqlCommand("SET switchyard.role = 'backfill'", connection)) await role.ExecuteNonQueryAsync();
        while (true)
        {
            await using var cmd = new NpgsqlCommand(batch, connection);
            cmd.Parameters.AddWithValue(cursor);
            cmd.Parameters.AddWithValue(2_000);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            if (reader.IsDBNull(0)) break;
            cursor = reader.GetInt64(0);
        }
    }
}
