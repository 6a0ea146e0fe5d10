using Switchyard.Cli;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Switchyard.Core;
using Switchyard.Core.Backfill;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Operations;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.App;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.App.V2;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>The demo's reads of the journal, validation and the ledger's invariants once the migration ran.</summary>
internal sealed partial class DemoOrchestrator
{
    private static async Task WaitForJournalAsync(NpgsqlDataSource db, string like, Task stopWaiting, CancellationToken ct)
    {
        while (!stopWaiting.IsCompleted)
        {
            await using var cmd = db.CreateCommand("""
                SELECT to_regclass('switchyard.events') IS NOT NULL
                   AND EXISTS (SELECT 1 FROM switchyard.events WHERE kind = 'step_started' AND message LIKE $1)
                """);
            cmd.Parameters.AddWithValue(like);
            try
            {
                if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true) return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // The journal is being created right now.
            }
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The journal's word on steps that waited outside the lock queue for a conflicting holder.</summary>
    private static async Task<IReadOnlyList<string>> LockQueueWaitsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var waits = new List<string>();
        await using var cmd = db.CreateCommand("SELECT message FROM switchyard.events WHERE kind = 'step_done' AND message LIKE '%outside the lock queue%' ORDER BY id");
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) waits.Add(reader.GetString(0));
        return waits;
    }

    private async Task RecordBaselineAsync(NpgsqlDataSource demoDb, CancellationToken ct)
    {
        var suite = Suite(demoDb, MigrationShape.Expanded);
        var scope = await suite.ScopeAsync(ct).ConfigureAwait(false);
        var groups = await ReconciliationBaseline.RecordAsync(scope, ct).ConfigureAwait(false);
        _log($"  reconciliation baseline recorded: {groups:N0} accounts");
    }

    private async Task ValidateAsync(NpgsqlDataSource demoDb, MigrationShape shape, CancellationToken ct)
    {
        var report = await Suite(demoDb, shape).RunAsync(null, false, ct).ConfigureAwait(false);
        await ValidationEvidence.StoreAsync(new SafeSqlRunner(demoDb), report, null, ct).ConfigureAwait(false);
        _result.Validations.Add(report);
        _log($"  validation ({ValidationEvidence.ShapeName(shape)}): {report.Summary}");
        if (!report.Passed) _result.Problems.Add($"validation ({ValidationEvidence.ShapeName(shape)}) failed: {string.Join(", ", report.FailingChecks)}");
    }

    private ValidationSuite Suite(NpgsqlDataSource db, MigrationShape shape) => _options.Migration.Suite(db, shape);

    private async Task FinishAsync(NpgsqlDataSource demoDb, long seededMaxId, LedgerInvariants seededBefore, LedgerInvariants totalBefore,
        Dictionary<string, double> backfillRates, CancellationToken ct)
    {
        var migrated = _result.Problems.Count == 0 && _result.MigratorRuns.Any(r => r.Phase == "contract" && r.ExitCode == 0);
        if (migrated) await ValidateAsync(demoDb, MigrationShape.Contracted, ct).ConfigureAwait(false);
        var seededAfter = await LedgerInvariantsReader.ReadAsync(demoDb, seededMaxId, ct).ConfigureAwait(false);
        var totalAfter = await LedgerInvariantsReader.ReadAsync(demoDb, ct).ConfigureAwait(false);
        var workload = _result.Workload!;
        _result.Invariants = new InvariantsComparison(seededBefore, seededAfter, totalBefore, totalAfter,
            workload[OperationKind.Authorize].Succeeded, workload[OperationKind.Chargeback].Succeeded);
        if (!_result.Invariants.SeededMoneySame) _result.Problems.Add("the seeded rows' money changed: invariants before and after differ");
        if (!_result.Invariants.TotalsExplained) _result.Problems.Add("the ledger's totals moved by more or less than the workload's successful authorizations and chargebacks");
        if (migrated && !_result.Invariants.StatesComplete) _result.Problems.Add("some rows have no state after the migration");
        if (workload.TotalFailed > 0) _result.Problems.Add($"{workload.TotalFailed} payment operations failed");
        if (migrated && _options.Migration.IsEf)
        {
            _result.EfHistoryVersion = await EfHistoryVersionAsync(demoDb, _options.Migration.Name, ct).ConfigureAwait(false);
            if (_result.EfHistoryVersion is null) _result.Problems.Add($"__EFMigrationsHistory has no row for {_options.Migration.Name} after Contract");
        }

        _result.Lag = _sampler!.Lag;
        _result.Progress = [.. _sampler.Progress.OrderBy(p => p.AtSeconds)];
        _result.LockWaits = _sampler.LockWaits;
        foreach (var phase in workload.Phases)
        {
            _result.Phases.Add(new DemoPhase(phase.Name, phase.StartSeconds, phase.EndSeconds, phase.Operations, phase.Failed,
                phase.PaymentsLatency.P50Ms, phase.PaymentsLatency.P99Ms, phase.PaymentsLatency.MaxMs, _sampler.MaxLockWaitMs(phase.Name),
                backfillRates.TryGetValue(phase.Name, out var r) ? r : null, _notes.GetValueOrDefault(phase.Name, ""),
                [.. phase.ByOperation.Select(OperationLatency.From)]));
        }
        _result.LatencySlo = AuthorizationSlo.Evaluate(_result.Phases, _options.LatencySlo);
        await ReadJournalAsync(demoDb, ct).ConfigureAwait(false);
    }

    private async Task ReadJournalAsync(NpgsqlDataSource demoDb, CancellationToken ct)
    {
        await using (var cmd = demoDb.CreateCommand("""
            SELECT e.at, e.kind, e.message FROM switchyard.events e
            WHERE e.kind IN ('guard', 'run_started', 'run_stopped') ORDER BY e.id
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var e = new JournalEvent(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2));
                (e.Kind == "guard" ? _result.GuardDecisions : _result.JournalRuns).Add(e);
            }
        }
        await using (var cmd = demoDb.CreateCommand("""
            SELECT s.step_key, s.status, s.attempts FROM switchyard.steps s JOIN switchyard.migrations m ON m.id = s.migration_id
            WHERE m.name = $1 ORDER BY s.id
            """))
        {
            cmd.Parameters.AddWithValue(_options.Migration.Name);
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                _result.Steps.Add(new StepAttempts(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }
    }

    /// <summary>Starts a phase; with <paramref name="fleet"/>, the fleet changes at the same instant (operations due from then on).</summary>
    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    private static async Task WarmAsync(NpgsqlDataSource db, int connections, CancellationToken ct)
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => db.OpenConnectionAsync(ct).AsTask())).ConfigureAwait(false);
        foreach (var connection in opened) await connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The ProductVersion EF's history records for <paramref name="migrationId"/>, or null (no row, or no history table).</summary>
    private static async Task<string?> EfHistoryVersionAsync(NpgsqlDataSource db, string migrationId, CancellationToken ct)
    {
        if (!await ScalarAsync<bool>(db, "SELECT to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL", ct).ConfigureAwait(false)) return null;
        await using var cmd = db.CreateCommand("SELECT \"ProductVersion\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = $1");
        cmd.Parameters.AddWithValue(migrationId);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
