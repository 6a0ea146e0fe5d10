using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Planning;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.Cli.Commands;
using Switchyard.Samples.Ledger.Cli.Demo;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Proof;

/// <summary>
/// The proof for each operation: a freshly seeded ledger under app v1's payments traffic; the operation as a pgroll
/// file, run by the real <c>switchyard</c> program to each phase before Contract and rolled back, the schema dumped
/// before and after; then run from Expand through Contract, and the money, the traffic and the new shape checked.
/// </summary>
internal sealed class OperationProofRunner(ProofOptions options, Action<string> log)
{
    /// <summary>Each seeded row's amount as text, hashed in id order: a type change that lost a cent changes it.</summary>
    private const string AmountsSql = "SELECT coalesce(md5(string_agg(id::text || ':' || amount_minor::text, ',' ORDER BY id)), '') FROM transactions WHERE id <= $1";

    /// <summary>The schema of the relation an unqualified <c>transactions</c> names in the session's search path.</summary>
    private const string OldAppResolvesSql = "SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = 'transactions'::regclass";

    /// <summary>The new version's view of transactions ($1: its schema) as "column type" pairs in order.</summary>
    private const string NewVersionColumnsSql =
        "SELECT coalesce(string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position), '') FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'transactions'";

    public async Task<IReadOnlyList<OperationProofResult>> RunAsync(CancellationToken ct)
    {
        options.Validate();
        var results = new List<OperationProofResult>();
        foreach (var operation in options.Operations) results.Add(await RunAsync(operation, ct).ConfigureAwait(false));
        return results;
    }

    private async Task<OperationProofResult> RunAsync(ProvedOperation op, CancellationToken ct)
    {
        var result = new OperationProofResult { Operation = op };
        var watch = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("switchyard-prove-").FullName;
        try
        {
            var file = Path.Combine(work, op.MigrationName + ".yaml");
            await File.WriteAllTextAsync(file, op.Yaml, ct).ConfigureAwait(false);
            log($"{op.Name}: seeding {options.Rows:N0} transactions into {options.Database} …");
            var target = options.Server.ForDatabase(options.Database);
            await using var ledger = await BenchCommands.FreshLedgerAsync(options.Server, options.Database, new SeedOptions { Rows = options.Rows }, false, ct).ConfigureAwait(false);
            // App v1 unchanged but for its search path: it runs through the previous version's views while both versions are live.
            await using var v1Db = DataSourceFactory.Create(new NpgsqlConnectionStringBuilder(target.ConnectionString) { SearchPath = op.PreviousVersionSchema + ",public" }.ConnectionString, "ledger-v1");
            await using var reportDb = DataSourceFactory.Create(target, "ledger-report");
            var seededMax = await ScalarAsync<long>(ledger, "SELECT coalesce(max(id), 0) FROM transactions", ct).ConfigureAwait(false);
            result.SeededRows = seededMax;
            var seededBefore = await LedgerInvariantsReader.ReadAsync(ledger, seededMax, ct).ConfigureAwait(false);
            var totalBefore = await LedgerInvariantsReader.ReadAsync(ledger, ct).ConfigureAwait(false);
            var amountsBefore = await ScalarAsync<string>(ledger, AmountsSql, ct, seededMax).ConfigureAwait(false);
            var start = await DumpAsync(target, result, ct).ConfigureAwait(false);

            var v1 = new LedgerAppV1(v1Db);
            var workload = await PaymentsWorkload.StartAsync(new WorkloadOptions
            {
                OperationsPerSecond = options.OperationsPerSecond,
                Duration = TimeSpan.FromHours(6),
                InitialPhase = "baseline",
                MaxInFlight = 64,
            }, reportDb, [new FleetMember(v1, 1)], ct).ConfigureAwait(false);
            await using (workload.ConfigureAwait(false))
            {
                var stopped = false;
                try
                {
                    await Task.Delay(options.PhaseTime, ct).ConfigureAwait(false);
                    foreach (var phase in ProvedOperation.PhasesBeforeContract)
                        result.Rollbacks.Add(await RollbackFromAsync(op, file, phase, start, ledger, v1Db, seededMax, workload, result, ct).ConfigureAwait(false));

                    // The final run: Expand through Contract. Traffic keeps going through Contract when app v1 survives it.
                    workload.MarkPhase("expand → contract");
                    result.ViolatorsBeforeContract = await DirtyAsync(op, ledger, seededMax, ct).ConfigureAwait(false);
                    if (!op.OldAppSurvivesContract)
                    {
                        var validated = await SwitchyardAsync(op, ["apply", file, "-c", target.ConnectionString, "--to", "validate"], ct).ConfigureAwait(false);
                        await Task.Delay(options.PhaseTime, ct).ConfigureAwait(false);
                        result.Workload = await workload.StopAsync().ConfigureAwait(false);
                        stopped = true;
                        if (validated != 0) result.ContractExit = validated;
                    }
                    if (result.ContractExit == -1)
                        result.ContractExit = await SwitchyardAsync(op, ["apply", file, "-c", target.ConnectionString, "--confirm", op.MigrationName], ct).ConfigureAwait(false);
                    if (!stopped) await Task.Delay(options.PhaseTime, ct).ConfigureAwait(false);
                }
                finally
                {
                    if (!stopped) result.Workload = await workload.StopAsync().ConfigureAwait(false);
                }
            }

            var w = result.Workload!;
            result.Invariants = new InvariantsComparison(seededBefore, await LedgerInvariantsReader.ReadAsync(ledger, seededMax, ct).ConfigureAwait(false),
                totalBefore, await LedgerInvariantsReader.ReadAsync(ledger, ct).ConfigureAwait(false),
                w[OperationKind.Authorize].Succeeded, w[OperationKind.Chargeback].Succeeded);
            result.AmountsSame = amountsBefore == await ScalarAsync<string>(ledger, AmountsSql, ct, seededMax).ConfigureAwait(false);
            result.ProblemsAfterContract = result.ContractExit == 0 ? await ScalarAsync<long>(ledger, op.ProblemsSql, ct).ConfigureAwait(false) : null;
            result.OldAppAfterContract = op.OldAppSurvivesContract
                ? $"works: {w.TotalOperations:N0} operations ran through Contract"
                : await ProbeOldAppAsync(v1, ct).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        result.Seconds = Math.Round(watch.Elapsed.TotalSeconds, 1);
        result.Judge();
        log($"{op.Name}: {(result.Passed ? "proved" : "FAILED: " + string.Join("; ", result.Problems))} in {result.Seconds:F1} s");
        return result;
    }

    /// <summary>Runs the migration to <paramref name="phase"/> under traffic, rolls it back, and compares the schema with the start.</summary>
    private async Task<PhaseRollback> RollbackFromAsync(ProvedOperation op, string file, MigrationPhase phase, ComparableSchema start, NpgsqlDataSource ledger,
        NpgsqlDataSource oldApp, long seededMax, RunningWorkload workload, OperationProofResult result, CancellationToken ct)
    {
        var name = phase.ToString().ToLowerInvariant();
        var connection = options.Server.ForDatabase(options.Database).ConnectionString;
        workload.MarkPhase(name);
        var violators = await DirtyAsync(op, ledger, seededMax, ct).ConfigureAwait(false);
        var applied = await SwitchyardAsync(op, ["apply", file, "-c", connection, "--to", name], ct).ConfigureAwait(false);
        await Task.Delay(options.PhaseTime, ct).ConfigureAwait(false);
        var reached = await DumpAsync(options.Server.ForDatabase(options.Database), result, ct).ConfigureAwait(false);
        var versions = new VersionsSeen(await ScalarAsync<string>(oldApp, OldAppResolvesSql, ct).ConfigureAwait(false),
            await ScalarAsync<string>(ledger, NewVersionColumnsSql, ct, op.MigrationName).ConfigureAwait(false));
        var rolledBack = await SwitchyardAsync(op, ["rollback", "-c", connection, "-m", op.MigrationName, "--spec", file], ct).ConfigureAwait(false);
        var after = await DumpAsync(options.Server.ForDatabase(options.Database), result, ct).ConfigureAwait(false);
        var rollback = new PhaseRollback(name, applied, rolledBack, reached.DiffFrom(start).Count > 0, violators, after.DiffFrom(start), versions);
        log($"{op.Name}: {name} → rollback: {(rollback.Exact ? "schema identical" : "DIFFERS")} (phase changed the schema: {(rollback.SchemaChanged ? "yes" : "no")}; "
            + $"app v1 ran through {versions.OldAppResolvesTo}.transactions)");
        return rollback;
    }

    /// <summary>check-fix: puts back violators an earlier run's backfill fixed (rollback keeps values up rewrote); returns how many rows violate.</summary>
    private static async Task<long?> DirtyAsync(ProvedOperation op, NpgsqlDataSource ledger, long seededMax, CancellationToken ct)
    {
        if (op.ViolatorsSql is null) return null;
        if (op.DirtySql is not null)
        {
            await using var dirty = ledger.CreateCommand(op.DirtySql);
            dirty.CommandTimeout = 0;
            dirty.Parameters.AddWithValue(seededMax);
            await dirty.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return await ScalarAsync<long>(ledger, op.ViolatorsSql, ct).ConfigureAwait(false);
    }

    private async Task<ComparableSchema> DumpAsync(ConnectionSettings target, OperationProofResult result, CancellationToken ct)
    {
        var schema = ComparableSchema.From(await SchemaDump.SchemaOnlyAsync(target, options.Binaries, ct).ConfigureAwait(false));
        result.IgnoredJournalEntries = Math.Max(result.IgnoredJournalEntries, schema.IgnoredEntries);
        return schema;
    }

    /// <summary>One run of the real program, as an operator types it; its last lines are logged when it fails.</summary>
    private async Task<int> SwitchyardAsync(ProvedOperation op, IReadOnlyList<string> args, CancellationToken ct)
    {
        using var child = MigratorProcess.Start(options.MigratorPath, args);
        var code = await child.WaitAsync(ct).ConfigureAwait(false);
        if (code != 0)
        {
            foreach (var line in child.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(4))
                log($"{op.Name}:   {line}");
        }
        return code;
    }

    /// <summary>App v1 once the operation is contracted: one authorize and one read of recent transactions.</summary>
    private static async Task<string> ProbeOldAppAsync(LedgerAppV1 v1, CancellationToken ct)
    {
        try
        {
            await v1.AuthorizeAsync(1, 1, 100, "EUR", ct).ConfigureAwait(false);
            await v1.RecentTransactionsAsync(1, 5, ct).ConfigureAwait(false);
            return "works (one authorize and one read tried after Contract)";
        }
        catch (PostgresException e)
        {
            return $"breaks, as expected without a v2: {e.SqlState} {e.MessageText} (traffic stopped before Contract)";
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!, typeof(T), CultureInfo.InvariantCulture);
    }
}
