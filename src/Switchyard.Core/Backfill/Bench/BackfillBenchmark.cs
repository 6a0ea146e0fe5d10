using System.Diagnostics;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Guards.Slo;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Backfill.Bench;

/// <summary>How the backfill benchmark runs.</summary>
public sealed record BackfillBenchOptions
{
    /// <summary>The spec whose Expand brings every side's ledger to the shape the backfill runs against.</summary>
    public required MigrationSpec ExpandSpec { get; init; }

    /// <summary>Backfill workers.</summary>
    /// <value>The default is the core count.</value>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>The latency SLO Switchyard's backfill keeps, as <c>apply</c> does; off runs it unthrottled.</summary>
    /// <value>The default is off.</value>
    public LatencySloTarget LatencySlo { get; init; } = LatencySloTarget.Off;

    /// <summary>How the controller measures the foreground when <see cref="LatencySlo"/> is on (its target is replaced by it).</summary>
    /// <value>The default is <c>apply</c>'s: the apps' latency feed when they publish one, else the canary.</value>
    public LatencySloOptions Controller { get; init; } = new();
}

/// <summary>The ledgers, one per side; each gets the same seed before the benchmark runs.</summary>
/// <param name="Unthrottled">For Switchyard's backfill again without a latency SLO (under load, to show what the SLO costs); null: not run.</param>
/// <param name="Control">For the load alone, no backfill, as long as Switchyard's side ran (under load); null: not run.</param>
public sealed record BackfillBenchLedgers(NpgsqlDataSource Naive, NpgsqlDataSource Loop, NpgsqlDataSource Switchyard, NpgsqlDataSource? Unthrottled = null, NpgsqlDataSource? Control = null);

/// <summary>One side's timing and footprint.</summary>
public sealed record BackfillBenchSideResult(double Seconds, long RowsUpdated, long StateMissing, BenchFootprint Footprint)
{
    public long WalBytes => Footprint.WalBytes;

    /// <summary>Rows updated per second: under load, Switchyard's is what its latency SLO allowed.</summary>
    public double RowsPerSecond => Seconds > 0 ? Math.Round(RowsUpdated / Seconds) : 0;

    /// <summary>pg_relation_size after the side ran (the main fork).</summary>
    public long TableBytes { get; init; }
}

/// <summary>The three timings, the two ratios and what explains them.</summary>
public sealed record BackfillBenchResult(
    long Rows,
    int Workers,
    string Table,
    string ExpandSpec,
    bool ForeignKey,
    BackfillBenchSideResult Naive,
    BackfillBenchSideResult Loop,
    BackfillBenchSideResult Switchyard,
    long BatchRowsP50,
    long BatchKeysP50,
    double BatchMsP50,
    long Batches,
    long Retries,
    long Splits)
{
    /// <summary>Naive seconds / Switchyard seconds.</summary>
    public double Ratio => Math.Round(Naive.Seconds / Switchyard.Seconds, 3);

    /// <summary>Hand-written loop seconds / Switchyard seconds.</summary>
    public double RatioVsLoop => Math.Round(Loop.Seconds / Switchyard.Seconds, 3);

    /// <summary>The latency SLO Switchyard's side ran under ("off": unthrottled).</summary>
    public string LatencySlo { get; init; } = LatencySloTarget.Off.ToString();

    /// <summary>Switchyard's backfill without the SLO on its own ledger, when it ran (under load).</summary>
    public BackfillBenchSideResult? SwitchyardUnthrottled { get; init; }

    /// <summary>The load with no backfill on its own ledger for as long as Switchyard's side ran, when it ran (under load).</summary>
    public BackfillBenchSideResult? Control { get; init; }

    /// <summary>Switchyard's rows/s under its SLO as a share of its rows/s with none; null when the unthrottled side did not run.</summary>
    public double? SloRateShare => SwitchyardUnthrottled is { RowsPerSecond: > 0 } u ? Math.Round(Switchyard.RowsPerSecond / u.RowsPerSecond, 3) : null;
}

/// <summary>
/// Times, on three identical ledgers each brought to the shape the spec's Expand leaves (trigger, NOT VALID foreign
/// key and all), the naive single-statement UPDATE, a hand-written two-session batch loop and Switchyard's backfill,
/// each after a CHECKPOINT so none pays for another's dirty pages.
/// </summary>
public sealed class BackfillBenchmark
{
    private static readonly SafeSqlOptions LongRunning = new() { StatementTimeout = TimeSpan.FromHours(2) };

    /// <param name="load">Foreground traffic run around each side (null: none).</param>
    /// <param name="progress">Told what runs next and each side's foreground baseline (null: silent).</param>
    public async Task<BackfillBenchResult> RunAsync(BackfillBenchLedgers ledgers, BackfillBenchOptions options, IBackfillBenchLoad? load, Action<string>? progress, CancellationToken ct)
    {
        var naiveSql = new SafeSqlRunner(ledgers.Naive, LongRunning);
        var loopSql = new SafeSqlRunner(ledgers.Loop, LongRunning);
        var oursSql = new SafeSqlRunner(ledgers.Switchyard, LongRunning);
        NormalizationTarget? target = null;
        var unthrottledSql = ledgers.Unthrottled is { } u ? new SafeSqlRunner(u, LongRunning) : null;
        var controlSql = ledgers.Control is { } c && load is not null ? new SafeSqlRunner(c, LongRunning) : null;
        foreach (var sql in new[] { naiveSql, loopSql, oursSql, unthrottledSql, controlSql }.OfType<SafeSqlRunner>())
        {
            target = await new BenchExpand(sql).ApplySpecAsync(options.ExpandSpec, ct).ConfigureAwait(false);
            await sql.ExecuteDdlAsync(new DdlStatement($"VACUUM (ANALYZE) {target.Table.Sql}", [], Concurrently: true), ct).ConfigureAwait(false);
        }
        var t = target!;
        var rows = await oursSql.ScalarAsync<long>($"SELECT count(*) FROM {t.Table.Sql}", ct).ConfigureAwait(false);
        var loop = new HandWrittenBatchLoop(loopSql, t);
        await loop.CreateAsync(ct).ConfigureAwait(false);
        var side = new SideRunner(t, rows, load, progress);

        // (a) the naive statement, with the trigger present as it is in production after Expand.
        var naive = await side.RunAsync(BackfillBenchSide.Naive, naiveSql, token => naiveSql.InTransactionAsync(async (c, tx, inner) =>
        {
            await using var cmd = new NpgsqlCommand($"""
                UPDATE {t.Table.Sql} t SET {Ident.Quote(t.TargetColumn)} = s.{Ident.Quote(t.LookupIdColumn)}
                FROM {t.LookupTable.Sql} s
                WHERE s.{Ident.Quote(t.LookupCodeColumn)} = {t.CodeSql("t." + Ident.Quote(t.SourceColumn))}
                """, c, tx) { CommandTimeout = 0 };
            return (long)await cmd.ExecuteNonQueryAsync(inner).ConfigureAwait(false);
        }, token, description: "naive single-statement backfill"), ct).ConfigureAwait(false);

        // (b) the hand-written loop: keyset batches, COMMIT per batch, two sessions, trigger bypassed.
        var handWritten = await side.RunAsync(BackfillBenchSide.Loop, loopSql, loop.RunAsync, ct).ConfigureAwait(false);

        // (c) Switchyard's backfill, under the same latency SLO controller as `apply` when one is asked for.
        IReadOnlyList<IBackfillThrottle> throttles = options.LatencySlo.IsOff ? []
            : [await LatencySloThrottle.CreateAsync(ledgers.Switchyard, options.Controller with { Target = options.LatencySlo }, ct).ConfigureAwait(false)];
        var (ours, outcome) = await RunOursAsync(side, BackfillBenchSide.Switchyard, oursSql, t, options, throttles, ct).ConfigureAwait(false);

        // (control) under load: the same traffic, no backfill, for as long as (c) took: the drift a free backfill would read.
        var control = controlSql is null ? null
            : await side.RunAsync(BackfillBenchSide.Control, controlSql, async token =>
            {
                await Task.Delay(TimeSpan.FromSeconds(ours.Seconds), token).ConfigureAwait(false);
                return 0L;
            }, ct).ConfigureAwait(false);

        // (d) under load: the same backfill with no SLO, for the rate and the p99 the SLO trades against each other.
        var unthrottled = unthrottledSql is null ? null
            : (await RunOursAsync(side, BackfillBenchSide.SwitchyardUnthrottled, unthrottledSql, t, options, [], ct).ConfigureAwait(false)).Result;

        var s = outcome.Stats;
        var foreignKey = await oursSql.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' AND NOT convalidated)", ct, t.Table.RegclassText).ConfigureAwait(false);
        return new BackfillBenchResult(rows, s.Workers, t.Table.ToString(), options.ExpandSpec.Name, foreignKey, naive, handWritten, ours,
            s.BatchRowsP50, s.BatchKeysP50, s.BatchMillisP50, s.Batches, s.Retries, s.Splits) { LatencySlo = options.LatencySlo.ToString(), SwitchyardUnthrottled = unthrottled, Control = control };
    }

    private static async Task<(BackfillBenchSideResult Result, BackfillOutcome Outcome)> RunOursAsync(SideRunner side, BackfillBenchSide which, SafeSqlRunner sql,
        NormalizationTarget t, BackfillBenchOptions options, IReadOnlyList<IBackfillThrottle> throttles, CancellationToken ct)
    {
        BackfillOutcome? outcome = null;
        var result = await side.RunAsync(which, sql, async token =>
        {
            outcome = await new BackfillRunner(sql).RunAsync(
                new BackfillRequest("bench-backfill", t, new BackfillOptions { Workers = options.Workers, AnalyzeWhenDone = false }),
                throttles, null, token).ConfigureAwait(false);
            return outcome is BackfillCompleted ? outcome.Stats.RowsUpdated : 0;
        }, ct).ConfigureAwait(false);
        if (outcome is not BackfillCompleted)
            throw new SwitchyardException($"the benchmark backfill ({which}) ended {outcome?.State}: {outcome}", "Re-run with --verbose to see why.");
        return (result, outcome);
    }

    /// <summary>Runs one side the same way every time: checkpoint, load and baseline, probe, timed work, footprint, vacuum.</summary>
    private sealed class SideRunner(NormalizationTarget target, long rows, IBackfillBenchLoad? load, Action<string>? progress)
    {
        public async Task<BackfillBenchSideResult> RunAsync(BackfillBenchSide side, SafeSqlRunner sql, Func<CancellationToken, Task<long>> work, CancellationToken ct)
        {
            await sql.ExecuteDdlAsync(new DdlStatement("CHECKPOINT", [], Concurrently: true), ct).ConfigureAwait(false);
            if (load is not null)
            {
                var baseline = await load.BeforeAsync(side, ct).ConfigureAwait(false);
                progress?.Invoke($"{side}: foreground baseline before it starts: {baseline}");
            }
            progress?.Invoke($"{side}: timing...");
            var probe = new BenchFootprintProbe(sql, target.Table);
            await probe.StartAsync(ct).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            var updated = await work(ct).ConfigureAwait(false);
            watch.Stop();
            if (load is not null) await load.AfterAsync(side, ct).ConfigureAwait(false);
            var footprint = await probe.FinishAsync(updated, rows, ct).ConfigureAwait(false);
            var missing = await sql.ScalarAsync<long>($"SELECT count(*) FROM {target.Table.Sql} WHERE {Ident.Quote(target.TargetColumn)} IS NULL", ct).ConfigureAwait(false);
            var relation = await sql.ScalarAsync<long>("SELECT pg_relation_size($1::regclass)", ct, target.Table.RegclassText).ConfigureAwait(false);
            // Untimed: a million dead row versions left to autovacuum would be cleaned up during the next side's
            // baseline and backfill, on the same cores, and charged to it.
            await sql.ExecuteDdlAsync(new DdlStatement($"VACUUM {target.Table.Sql}", [], Concurrently: true), ct).ConfigureAwait(false);
            return new BackfillBenchSideResult(watch.Elapsed.TotalSeconds, updated, missing, footprint) { TableBytes = relation };
        }
    }
}
