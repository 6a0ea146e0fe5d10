using Switchyard.Compat.Latency;
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

/// <summary>
/// The demo: a managed cluster with a streaming standby, a fresh seeded ledger, payments traffic from a fleet of app
/// v1 and v2 instances, and the flagship migration run phase by phase with the real <c>switchyard</c> program as a
/// child process (so faults can kill it), the runbook's gates played out, the faults injected on the way, and every
/// phase measured from the traffic's side.
/// </summary>
internal sealed partial class DemoOrchestrator
{
    /// <summary>The regulatory report once the legacy column is on its way out: the same lines, read through the lookup.</summary>
    internal const string StateReportSql = """
        SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day, t.currency, s.code AS status,
               count(*) AS transactions, sum(t.amount_minor) AS amount_minor
        FROM transactions t LEFT JOIN transaction_state s ON s.id = t.state_id
        GROUP BY 1, 2, 3
        """;

    private readonly DemoOptions _options;
    private readonly Action<string> _log;
    private readonly DemoResult _result;
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private RunningWorkload? _workload;
    private DemoSampler? _sampler;
    private string _connection = "";
    private string _standbyConnection = "";

    public DemoOrchestrator(DemoOptions options, Action<string> log)
    {
        options.Validate();
        _options = options;
        _log = log;
        _result = new DemoResult { Options = options };
    }

    private double Now => _workload?.Elapsed.TotalSeconds ?? 0;

    public async Task<DemoResult> RunAsync(CancellationToken ct)
    {
        // 1. The cluster, a standby, a fresh database.
        var cluster = new LocalCluster(_options.Cluster);
        _log("Starting the managed PostgreSQL cluster and its streaming standby …");
        await cluster.StartAsync(ct).ConfigureAwait(false);
        await cluster.AddStandbyAsync(_options.StandbyName, ct).ConfigureAwait(false);
        await RecreateDatabaseAsync(cluster, ct).ConfigureAwait(false);
        _connection = cluster.ConnectionString(_options.Database);
        _standbyConnection = cluster.StandbyConnectionString(_options.StandbyName, _options.Database);
        _result.Connection = _connection;
        _log($"database: {_connection}");

        await using var demoDb = DataSourceFactory.Create(_connection, "demo");
        await using var v1Db = DataSourceFactory.Create(_connection, "ledger-v1");
        await using var v2Db = DataSourceFactory.Create(_connection, "ledger-v2");
        await using var reportDb = DataSourceFactory.Create(_connection, "ledger-report");
        await using var standbyDb = DataSourceFactory.Create(_standbyConnection, "demo");

        // 2. Seed and the money before.
        _log($"Seeding {_options.Rows:N0} transactions{(_options.Partitioned ? " into monthly partitions" : "")} …");
        var seed = await new LedgerSeeder(demoDb).SeedAsync(new SeedOptions { Rows = _options.Rows, Partitioned = _options.Partitioned }, null, ct).ConfigureAwait(false);
        _result.SeededRows = seed.Transactions;
        _result.SeedSeconds = seed.TotalElapsed.TotalSeconds;
        var seededMaxId = await ScalarAsync<long>(demoDb, "SELECT coalesce(max(id), 0) FROM transactions", ct).ConfigureAwait(false);
        var seededBefore = await LedgerInvariantsReader.ReadAsync(demoDb, seededMaxId, ct).ConfigureAwait(false);
        var totalBefore = await LedgerInvariantsReader.ReadAsync(demoDb, ct).ConfigureAwait(false);
        _log($"seeded in {seed.TotalElapsed.TotalSeconds:F1} s; invariants before: {seededBefore}");
        _migrator = await MigratorFeatures.ReadAsync(_options.MigratorPath, ct).ConfigureAwait(false);
        _result.BackfillRateOption = string.Join(' ', _migrator.BackfillRate(_options.Rows, _options.BackfillTime));

        // 3. Traffic: the whole fleet is app v1 until v2 deploys. Its pools open before the clock starts (as `workload run`
        // does): the baseline is what the SLO multiplies, so it must not measure connection setup. v2's pool opens here too
        // (idle until the deploy): eight backend forks and SCRAM exchanges at once would be the deploy phase's p99.
        await WarmAsync(v1Db, 8, ct).ConfigureAwait(false);
        await WarmAsync(reportDb, 2, ct).ConfigureAwait(false);
        await WarmAsync(v2Db, 8, ct).ConfigureAwait(false);
        var v1 = new ILedgerApp[] { new LedgerAppV1(v1Db), new LedgerAppV1(v1Db) };
        var v2Instances = new List<LedgerAppV2Instance>();
        // The apps publish their payments latency through Switchyard.Compat: the migrator's latency SLO holds that.
        var latency = new LatencyFeed();
        await using var latencyPublisher = await LatencyPublisher.StartAsync(demoDb, latency, ct: ct).ConfigureAwait(false);
        _workload = await PaymentsWorkload.StartAsync(new WorkloadOptions
        {
            OperationsPerSecond = _options.OperationsPerSecond,
            Duration = TimeSpan.FromHours(6),
            InitialPhase = "baseline",
            MaxInFlight = 64,
            LatencyFeed = latency,
        }, reportDb, v1.Select(a => new FleetMember(a, 1)), ct).ConfigureAwait(false);
        await using var sampler = new DemoSampler(demoDb, _options.StandbyName, seededMaxId, () => Now);
        _sampler = sampler;
        sampler.Phase = "baseline";
        sampler.Start();
        _notes["baseline"] = "fleet v1=100%";
        var backfillRates = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            _log($"Payments traffic at {_options.OperationsPerSecond:N0} ops/s from 2 app v1 instances; baseline for {2 * _options.PhaseTime.TotalSeconds:F0} s …");
            await Task.Delay(2 * _options.PhaseTime, ct).ConfigureAwait(false);

            var completed = await MigrateAsync(demoDb, v2Db, standbyDb, v1, v2Instances, backfillRates, ct).ConfigureAwait(false);
            Mark("after", completed ? "migration complete" : "migration stopped early");
            await Task.Delay(_options.PhaseTime, ct).ConfigureAwait(false);
        }
        finally
        {
            _result.Workload = await _workload.StopAsync().ConfigureAwait(false);
            await sampler.DisposeAsync().ConfigureAwait(false);
            foreach (var v in v2Instances) await v.DisposeAsync().ConfigureAwait(false);
        }

        // 4. The proof: validation suite, money after, journal.
        await FinishAsync(demoDb, seededMaxId, seededBefore, totalBefore, backfillRates, ct).ConfigureAwait(false);
        _result.TotalSeconds = _total.Elapsed.TotalSeconds;
        return _result;
    }

    /// <summary>Runs the migration phase by phase; false when a phase failed (recorded as a problem) and the rest was skipped.</summary>
    private async Task<bool> MigrateAsync(NpgsqlDataSource demoDb, NpgsqlDataSource v2Db, NpgsqlDataSource standbyDb, ILedgerApp[] v1,
        List<LedgerAppV2Instance> v2Instances, Dictionary<string, double> backfillRates, CancellationToken ct)
    {
        var migration = _options.Migration;
        var conn = _connection;

        // Expand (with a long transaction holding ACCESS SHARE when faults are on).
        Mark("expand", "lookup table, state_id, dual-write trigger, flag");
        if (!_options.Faults)
        {
            if (!await ApplyAsync("expand", migration.Args(conn, "--to", "expand"), ct).ConfigureAwait(false)) return false;
        }
        else
        {
            var holding = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var holder = FaultInjector.HoldAccessShareAsync(demoDb, release.Task, holding, ct);
            var pid = await holding.Task.WaitAsync(ct).ConfigureAwait(false);
            Fault("long transaction", $"pid {pid} holds ACCESS SHARE on transactions (a report's open transaction) as Expand starts");
            var expand = ApplyAsync("expand", migration.Args(conn, "--to", "expand"), ct);
            // Hold on until the migrator is at the DDL that conflicts, then a while longer: it must wait outside the queue.
            await WaitForJournalAsync(demoDb, "expand.%.add_target%", expand, ct).ConfigureAwait(false);
            await Task.WhenAny(expand, Task.Delay(_options.LongTransactionHold, ct)).ConfigureAwait(false);
            release.TrySetResult();
            await holder.ConfigureAwait(false);
            Fault("long transaction ended", $"pid {pid} committed after holding its lock {_options.LongTransactionHold.TotalSeconds:F0} s into Expand's first ACCESS EXCLUSIVE step");
            if (!await expand.ConfigureAwait(false)) return false;
            var waits = await LockQueueWaitsAsync(demoDb, ct).ConfigureAwait(false);
            Fault("expand waited outside the lock queue", waits.Count > 0 ? "journal: " + string.Join("; ", waits) : "the journal shows no step that waited for a holder");
        }
        await RecordBaselineAsync(demoDb, ct).ConfigureAwait(false);
        await Task.Delay(_options.PhaseTime, ct).ConfigureAwait(false);

        // Deploy app v2 (Switchyard.Compat flags): most of the fleet moves to v2.
        // A deploy brings instances in warm: their pool open and their read path run once before they take traffic, so
        // the first payments they serve pay no connection setup or JIT (a cold start showed up as this phase's p99).
        // The warm-up belongs to the deploy's phase: its JIT runs on the demo's shared cores.
        Mark("deploy v2", "fleet v1=25% v2=75% (flags: reads legacy, writes legacy)");
        for (var i = 0; i < 3; i++)
        {
            var instance = await LedgerAppV2Instance.StartAsync(v2Db, ct: ct).ConfigureAwait(false);
            await instance.App.ReadStatusAsync(1, ct).ConfigureAwait(false);
            v2Instances.Add(instance);
        }
        _workload!.SetFleet([.. v1.Select(a => new FleetMember(a, 1)), .. v2Instances.Select(v => new FleetMember(v.App, 2))]);
        await Task.Delay(_options.PhaseTime, ct).ConfigureAwait(false);

        // Backfill (faults: standby replay pause, kill -9 of the migrator, a terminated backend).
        Mark("backfill", "state_id from status in throttled batches");
        var rate = await BackfillAsync(demoDb, standbyDb, ct).ConfigureAwait(false);
        if (rate is null) return false;
        backfillRates["backfill"] = rate.Value;

        Mark("validate", "FK VALIDATE, index CONCURRENTLY, NOT NULL via CHECK; validation suite");
        if (!await ApplyAsync("validate", migration.Args(conn, ["--to", "validate", .. _migrator!.SingleProcessStatements]), ct).ConfigureAwait(false)) return false;
        await ValidateAsync(demoDb, MigrationShape.Validated, ct).ConfigureAwait(false);
        await Task.Delay(_options.PhaseTime, ct).ConfigureAwait(false);

        // Cutover: the flags, step by step, as `switchyard cutover` flips them.
        (string Phase, string Reads, int Percent, string Writes)[] steps =
        [
            ("cutover: shadow", "shadow", 0, "both"),
            ("cutover: reads 1%", "new", 1, "both"),
            ("cutover: reads 10%", "new", 10, "both"),
            ("cutover: reads 50%", "new", 50, "both"),
            ("cutover: reads 100%", "new", 100, "both"),
        ];
        foreach (var (phase, reads, percent, writes) in steps)
        {
            Mark(phase, $"reads {reads} {percent}%, writes {writes}");
            if (!await CutoverAsync(phase, reads, percent, writes, ct).ConfigureAwait(false)) return false;
            await Task.Delay(_options.PhaseTime, ct).ConfigureAwait(false);
        }
        var mismatches = v2Instances.Sum(v => v.Mismatches.Snapshot(LedgerAppV2.FlagKey).Mismatches);
        var shadowReads = v2Instances.Sum(v => v.Mismatches.Snapshot(LedgerAppV2.FlagKey).Reads);
        _log($"shadow comparisons by app v2: {shadowReads:N0} reads, {mismatches:N0} mismatches");
        if (mismatches > 0) _result.Problems.Add($"app v2 saw {mismatches} shadow-read mismatches during cutover");

        // Legacy writers stop before writes go new-only.
        _workload!.SetRegulatoryReportSql(StateReportSql);
        Mark("cutover: new_only", "app v1 stopped; reads new_only, writes new", [.. v2Instances.Select(v => new FleetMember(v.App, 1))]);
        if (!await CutoverAsync("cutover: new_only", "new_only", 100, "new", ct).ConfigureAwait(false)) return false;
        await Task.Delay(_options.PhaseTime, ct).ConfigureAwait(false);

        Mark("contract", "confirmed: trigger and status dropped, compat view");
        if (!await ApplyAsync("contract", migration.Args(conn, ["--confirm", migration.Name, .. _migrator!.SingleProcessStatements]), ct).ConfigureAwait(false)) return false;
        // Held like every gate: a phase as short as the migrator's run counts ~90 authorizations, whose p99 is their slowest.
        await Task.Delay(_options.PhaseTime, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The backfill, with its faults; returns rows/s of the seeded range, or null when it failed.</summary>
    private async Task<double?> BackfillAsync(NpgsqlDataSource demoDb, NpgsqlDataSource standbyDb, CancellationToken ct)
    {
        var args = new List<string>(_options.Migration.Args(_connection, "--to", "backfill"));
        args.AddRange(_migrator!.BackfillRate(_options.Rows, _options.BackfillTime));
        args.AddRange(_migrator.Standby(_options.StandbyName, _standbyConnection));
        var start = await _sampler!.ReadProgressAsync(ct).ConfigureAwait(false);
        _sampler.TrackProgress = true;
        var watch = Stopwatch.StartNew();
        var faults = _options.Faults ? new BackfillFaults() : null;
        Task? resume = null;
        var ok = false;
        for (var attempt = 1; attempt <= 4 && !ok; attempt++)
        {
            using var child = MigratorProcess.Start(_options.MigratorPath, args);
            var runWatch = Stopwatch.StartNew();
            _log($"  $ {Redact(child.CommandLine)}   (attempt {attempt}, pid {child.Pid})");
            var logged = Stopwatch.StartNew();
            while (!child.HasExited)
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
                if (child.HasExited) continue;
                // Progress as any terminal sees it: the backfill's own journal (switchyard.backfill_runs / _ranges).
                var journal = await BackfillProgressReader.ReadAsync(new SafeSqlRunner(demoDb), _options.Migration.Name, ct).ConfigureAwait(false);
                if (logged.Elapsed >= TimeSpan.FromSeconds(3) && journal is not null)
                {
                    logged.Restart();
                    _log($"[{Now,6:F1}s]   journal: backfill {journal.State} {journal.Fraction:P0} of keys, {journal.RowsDone:N0} rows, {journal.RowsPerSecond:N0} rows/s{(journal.Reason is null ? "" : " — " + journal.Reason)}");
                }
                if (faults is null) continue;
                var done = journal is not null ? 100 * RowsShare(journal) : (await _sampler.ReadProgressAsync(ct).ConfigureAwait(false)).Percent;
                if (!faults.ReplayPaused && done >= 10)
                {
                    faults.ReplayPaused = true;
                    await FaultInjector.PauseReplayAsync(standbyDb, ct).ConfigureAwait(false);
                    Fault("standby replay paused", $"SELECT pg_wal_replay_pause() on {_options.StandbyName} at {done:F0}% of the backfill; resumed in {_options.ReplayPause.TotalSeconds:F0} s");
                    resume = ResumeReplayLaterAsync(standbyDb, ct);
                }
                // The kill comes after the standby caught up again, so the guards' decisions about the lag stand on their own.
                else if (!faults.Killed && done >= 40 && resume is { IsCompleted: true })
                {
                    faults.Killed = true;
                    faults.KilledAt = done;
                    child.KillHard();
                    Fault("kill -9 migrator", $"SIGKILL to the apply process (pid {child.Pid}) at {done:F0}% of the backfill; apply is re-run");
                }
                // Once the re-run committed a batch: heap-only passes move the share in big steps a fixed mark could miss.
                else if (!faults.Terminated && faults.Killed && attempt > 1 && done > faults.KilledAt)
                {
                    faults.Terminated = true;
                    var what = await FaultInjector.TerminateMigratorBackendAsync(demoDb, TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
                    Fault("terminated backend", what is null ? "no switchyard session was found to terminate" : $"pg_terminate_backend of {what} at {done:F0}%");
                }
            }
            var code = await child.WaitAsync(ct).ConfigureAwait(false);
            Record("backfill", child, code, runWatch.Elapsed);
            ok = code == 0 && !child.Killed;
            if (!ok && !child.Killed)
            {
                _log($"  apply exited {code}: {LastLine(child.Output)}; re-running it, as an operator would");
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
        if (resume is not null) await resume.ConfigureAwait(false);
        if (faults is not null)
        {
            if (!faults.ReplayPaused) Fault("standby replay paused", "not injected: the backfill finished before 10%");
            if (!faults.Killed) Fault("kill -9 migrator", "not injected: the backfill finished before 40% and the standby's resume");
            if (!faults.Terminated) Fault("terminated backend", "not injected: the resumed backfill finished before its first batch");
        }
        _sampler.TrackProgress = false;
        var end = await _sampler.ReadProgressAsync(ct).ConfigureAwait(false);
        if (!ok)
        {
            _result.Problems.Add("the backfill did not complete after 4 apply runs");
            return null;
        }
        if (end.Filled != end.Total) _result.Problems.Add($"after the backfill {end.Total - end.Filled} seeded rows still have no state_id");
        var rate = (end.Filled - start.Filled) / Math.Max(0.001, watch.Elapsed.TotalSeconds);
        _log($"  backfill: {end.Filled - start.Filled:N0} rows in {watch.Elapsed.TotalSeconds:F1} s ({rate:N0} rows/s overall, faults included)");
        return rate;
    }

    private async Task ResumeReplayLaterAsync(NpgsqlDataSource standbyDb, CancellationToken ct)
    {
        await Task.Delay(_options.ReplayPause, ct).ConfigureAwait(false);
        await FaultInjector.ResumeReplayAsync(standbyDb, ct).ConfigureAwait(false);
        Fault("standby replay resumed", "SELECT pg_wal_replay_resume()");
    }

    /// <summary>
    /// Share of the rows done, over every run of the backfill. Not the share of keys: a range's cursor moves only when
    /// a window completes, 15 batches after its first pass, so on a small demo table it jumps from 0 to 50 to 100%
    /// and the faults placed between would be missed.
    /// </summary>
    private static double RowsShare(BackfillProgress progress) =>
        progress.RowsEstimated > 0 ? Math.Min(1, (double)progress.RowsDone / progress.RowsEstimated) : progress.Fraction;

    private async Task<bool> CutoverAsync(string phase, string reads, int percent, string writes, CancellationToken ct) =>
        await ApplyAsync(phase, ["cutover", "-c", _connection, "-m", _options.Migration.Name, "--reads", reads, "--percent", percent.ToString(CultureInfo.InvariantCulture), "--writes", writes], ct).ConfigureAwait(false);

    /// <summary>Runs one switchyard command; a failure is re-run once (as an operator would), then recorded as a problem.</summary>
    private async Task<bool> ApplyAsync(string phase, IReadOnlyList<string> args, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var child = MigratorProcess.Start(_options.MigratorPath, args);
            _log($"  $ {Redact(child.CommandLine)}");
            var watch = Stopwatch.StartNew();
            var code = await child.WaitAsync(ct).ConfigureAwait(false);
            Record(phase, child, code, watch.Elapsed);
            foreach (var line in child.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3))
                _log($"    {line}");
            if (code == 0) return true;
            _log($"  exit code {code}; {(attempt == 1 ? "re-running once" : "giving up")}");
        }
        _result.Problems.Add($"{phase}: `{Redact(_result.MigratorRuns[^1].CommandLine)}` failed: {LastLine(_result.MigratorRuns[^1].LastLines)}");
        return false;
    }

    /// <summary>Waits until switchyard.events shows a step_started matching <paramref name="like"/> (or <paramref name="stopWaiting"/> ends).</summary>
    private void Mark(string phase, string note, IReadOnlyList<FleetMember>? fleet = null)
    {
        if (fleet is null) _workload!.MarkPhase(phase);
        else _workload!.SetFleet(fleet, phase);
        _sampler!.Phase = phase;
        _notes[phase] = note;
        _log($"[{Now,6:F1}s] phase {phase}: {note}");
    }

    private readonly Dictionary<string, string> _notes = new(StringComparer.Ordinal);
    private MigratorFeatures? _migrator;

    private void Fault(string fault, string detail)
    {
        _result.Faults.Add(new InjectedFault(Math.Round(Now, 1), fault, detail));
        _workload?.MarkEvent($"fault: {fault}");
        _log($"[{Now,6:F1}s] FAULT {fault}: {detail}");
    }

    private void Record(string phase, MigratorProcess child, int code, TimeSpan elapsed)
    {
        var lines = string.Join('\n', child.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(6));
        _result.MigratorRuns.Add(new MigratorRun(phase, Redact(child.CommandLine), code, child.Killed, Math.Round(elapsed.TotalSeconds, 2), lines));
    }

    private string Redact(string commandLine) =>
        commandLine.Replace(_standbyConnection, "<standby>", StringComparison.Ordinal).Replace(_connection, "<conn>", StringComparison.Ordinal)
            .Replace(_options.Migration.Source, _options.Migration.SourcePlaceholder, StringComparison.Ordinal);

    private async Task RecreateDatabaseAsync(LocalCluster cluster, CancellationToken ct)
    {
        await using var admin = DataSourceFactory.Create(cluster.ConnectionString(), "demo");
        await using (var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {Ident.Quote(_options.Database)} WITH (FORCE)"))
            await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await using var create = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(_options.Database)}");
        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
