using System.Diagnostics;
using System.Globalization;
using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Validation;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// <c>demo --shards N</c>: the flagship migration on N managed clusters (each with a streaming standby and its own
/// payments traffic), run fleet-wide by the real <c>switchyard</c> program (<c>apply --fleet</c>, <c>cutover --fleet</c>)
/// as a child process, phase by phase with the fleet's barriers; with <c>--faults</c> the standby's replay on shard-2 is
/// paused and the fleet migrator is killed -9 mid-backfill and re-run. Every shard is proven on its own.
/// </summary>
internal sealed class ShardedDemoOrchestrator
{
    private readonly ShardedDemoOptions _options;
    private readonly Action<string> _log;
    private readonly ShardedDemoResult _result;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly List<ShardedDemoShard> _shards = [];

    public ShardedDemoOrchestrator(ShardedDemoOptions options, Action<string> log)
    {
        options.Validate();
        _options = options;
        _log = log;
        _result = new ShardedDemoResult { Options = options, FleetFile = options.FleetFile };
    }

    private DemoOptions Demo => _options.Demo;
    private double Now => Math.Round(_clock.Elapsed.TotalSeconds, 1);
    private ShardedDemoShard FaultShard => _shards[ShardedDemoOptions.FaultShardIndex];

    public async Task<ShardedDemoResult> RunAsync(CancellationToken ct)
    {
        try
        {
            // 1. The shards: one cluster after another (initdb and base backups contend on a small box), each seeded.
            for (var i = 0; i < _options.Shards; i++)
            {
                _log($"Starting {ShardedDemoOptions.ShardName(i)}: managed cluster in {_options.ShardHome(i)} and its streaming standby …");
                var shard = await ShardedDemoShard.StartAsync(_options, i, ct).ConfigureAwait(false);
                _shards.Add(shard);
                _result.Shards.Add(shard.Result);
                await shard.SeedAsync(_options.RowsPerShard, ct).ConfigureAwait(false);
                _log($"  seeded {shard.Result.SeededRows:N0} transactions in {shard.Result.SeedSeconds:F1} s");
            }
            await ShardedDemoFleetFile.WriteAsync(_options, ct).ConfigureAwait(false);
            _log($"fleet file: {_options.FleetFile} ({_options.Shards} managed shards; connections through each cluster's password file)");

            // 2. Traffic on every shard; the baseline, then the migration fleet-wide.
            foreach (var s in _shards) await s.StartWorkloadAsync(_options.OperationsPerSecondPerShard, ct).ConfigureAwait(false);
            _log($"Payments at {_options.OperationsPerSecondPerShard:N0} ops/s on each shard from 2 app v1 instances; baseline for {2 * Demo.PhaseTime.TotalSeconds:F0} s …");
            await Task.Delay(2 * Demo.PhaseTime, ct).ConfigureAwait(false);
            var completed = await MigrateAsync(ct).ConfigureAwait(false);
            Mark("after", completed ? "migration complete on every shard" : "migration stopped early");
            await Task.Delay(Demo.PhaseTime, ct).ConfigureAwait(false);

            // 3. The proof, shard by shard, and the barriers from the shards' journals.
            foreach (var s in _shards) await s.FinishAsync(Demo.Migration, ct).ConfigureAwait(false);
            _result.BarrierWaits.AddRange(await ShardedDemoBarriers.ReadAsync(_shards, Demo.Migration.Name, _startedAt, ct).ConfigureAwait(false));
            var runIds = _result.Shards.Select(s => s.FleetRunId).Distinct().ToList();
            if (runIds.Count != 1 || runIds[0] is null)
                _result.Problems.Add($"the shards' journals do not share one fleet run id: {string.Join(", ", _result.Shards.Select(s => $"{s.Name}={s.FleetRunId?.ToString() ?? "none"}"))}");
        }
        finally
        {
            foreach (var s in _shards) await s.DisposeAsync().ConfigureAwait(false);
        }
        _result.TotalSeconds = Math.Round(_clock.Elapsed.TotalSeconds, 1);
        return _result;
    }

    /// <summary>The migration fleet-wide, phase by phase; false when a command failed twice (a problem is recorded) and the rest was skipped.</summary>
    private async Task<bool> MigrateAsync(CancellationToken ct)
    {
        var name = Demo.Migration.Name;
        Mark("expand", "lookup table, state_id, dual-write trigger, flag on every shard");
        if (!await RunAsync("expand", Apply("--to", "expand"), ct).ConfigureAwait(false)) return false;
        foreach (var s in _shards) await s.RecordBaselineAsync(Demo.Migration, ct).ConfigureAwait(false);
        await Task.Delay(Demo.PhaseTime, ct).ConfigureAwait(false);

        _log($"[{Now,6:F1}s] phase deploy v2: app v1=25% v2=75% on every shard");
        foreach (var s in _shards) await s.DeployV2Async("deploy v2", ct).ConfigureAwait(false);
        await Task.Delay(Demo.PhaseTime, ct).ConfigureAwait(false);

        Mark("backfill", $"state_id from status, the fleet's budget {BackfillBudget()} rows/s shared by the shards");
        if (!await BackfillAsync(ct).ConfigureAwait(false)) return false;

        Mark("validate", "FK VALIDATE, index CONCURRENTLY, NOT NULL via CHECK; validation suite on every shard");
        if (!await RunAsync("validate", Apply("--to", "validate"), ct).ConfigureAwait(false)) return false;
        foreach (var s in _shards)
        {
            var report = await s.ValidateAsync(Demo.Migration, MigrationShape.Validated, ct).ConfigureAwait(false);
            _log($"  {s.Name} validation (validated): {report.Summary}");
        }
        await Task.Delay(Demo.PhaseTime, ct).ConfigureAwait(false);

        foreach (var (phase, reads, percent) in new[] { ("cutover: shadow", "shadow", 0), ("cutover: reads 10%", "new", 10), ("cutover: reads 100%", "new", 100) })
        {
            Mark(phase, $"reads {reads} {percent}%, writes both on every shard");
            if (!await RunAsync(phase, Cutover(reads, percent, "both"), ct).ConfigureAwait(false)) return false;
            await Task.Delay(Demo.PhaseTime, ct).ConfigureAwait(false);
        }

        _log($"[{Now,6:F1}s] phase cutover: new_only: app v1 stopped on every shard; reads new_only, writes new");
        foreach (var s in _shards) s.StopLegacyWriters("cutover: new_only", DemoOrchestrator.StateReportSql);
        if (!await RunAsync("cutover: new_only", Cutover("new_only", 100, "new"), ct).ConfigureAwait(false)) return false;
        await Task.Delay(Demo.PhaseTime, ct).ConfigureAwait(false);

        Mark("contract", "confirmed on every shard: trigger and status dropped, compat view");
        return await RunAsync("contract", Apply("--confirm", name), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// apply --fleet --to backfill. With faults: the fleet migrator is killed -9 once shard-2's backfill passed 15%, and
    /// during the re-run shard-2's standby stops replaying for a while, so its guards hold its backfill back while the
    /// other shards finish and wait at the barrier.
    /// </summary>
    private async Task<bool> BackfillAsync(CancellationToken ct)
    {
        var args = Apply("--to", "backfill", "--max-rows-per-second", BackfillBudget().ToString(CultureInfo.InvariantCulture));
        bool paused = false, killed = false;
        var killedAt = 0d;
        Task? resume = null;
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var child = MigratorProcess.Start(Demo.MigratorPath, args);
            var watch = Stopwatch.StartNew();
            _log($"  $ {Redact(child.CommandLine)}   (attempt {attempt}, pid {child.Pid})");
            while (Demo.Faults && !child.HasExited)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
                var progress = await BackfillProgressReader.ReadAsync(new SafeSqlRunner(FaultShard.Db), Demo.Migration.Name, ct).ConfigureAwait(false);
                var done = 100 * (progress?.Fraction ?? 0);
                if (!killed && done >= 15 && !child.HasExited)
                {
                    killed = true;
                    killedAt = done;
                    child.KillHard();
                    Fault("kill -9 fleet migrator", $"SIGKILL to apply --fleet (pid {child.Pid}; every shard's backfill at once) at {done:F0}% of {FaultShard.Name}'s backfill; apply --fleet is re-run");
                }
                // Once the re-run is under way on shard-2 (its first batch past where the kill left it), not while the new
                // process still starts; any progress counts, so a fast re-run cannot slip past the fault.
                else if (killed && !paused && attempt > 1 && done > killedAt)
                {
                    paused = true;
                    await FaultInjector.PauseReplayAsync(FaultShard.Standby, ct).ConfigureAwait(false);
                    Fault("standby replay paused", $"{FaultShard.Name}: SELECT pg_wal_replay_pause() on {Demo.StandbyName} at {done:F0}% of its backfill (re-run); resumed in {Demo.ReplayPause.TotalSeconds:F0} s");
                    resume = ResumeReplayLaterAsync(ct);
                }
            }
            var code = await child.WaitAsync(ct).ConfigureAwait(false);
            Record("backfill", child, code, watch.Elapsed);
            if (code == 0 && !child.Killed) break;
            if (attempt == 4)
            {
                _result.Problems.Add($"backfill: apply --fleet did not complete after 4 runs: {LastLine(child.Output)}");
                return false;
            }
            if (!child.Killed) _log($"  apply --fleet exited {code}: {LastLine(child.Output)}; re-running it, as an operator would");
        }
        if (resume is not null) await resume.ConfigureAwait(false);
        if (Demo.Faults)
        {
            if (!killed) Fault("kill -9 fleet migrator", $"not injected: {FaultShard.Name}'s backfill finished before 15%");
            if (!paused) Fault("standby replay paused", $"not injected: {FaultShard.Name}'s backfill finished before its re-run moved past the kill");
        }
        return true;
    }

    private async Task ResumeReplayLaterAsync(CancellationToken ct)
    {
        await Task.Delay(Demo.ReplayPause, ct).ConfigureAwait(false);
        await FaultInjector.ResumeReplayAsync(FaultShard.Standby, ct).ConfigureAwait(false);
        Fault("standby replay resumed", $"{FaultShard.Name}: SELECT pg_wal_replay_resume()");
    }

    /// <summary>The fleet's rows/s budget, sized so the backfill lasts about BackfillTime.</summary>
    private long BackfillBudget() => Math.Max(100, (long)(_options.RowsPerShard * _options.Shards / Demo.BackfillTime.TotalSeconds));

    /// <summary>Runs one fleet command; a failure is re-run once (as an operator would), then recorded as a problem.</summary>
    private async Task<bool> RunAsync(string phase, IReadOnlyList<string> args, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var child = MigratorProcess.Start(Demo.MigratorPath, args);
            _log($"  $ {Redact(child.CommandLine)}");
            var watch = Stopwatch.StartNew();
            var code = await child.WaitAsync(ct).ConfigureAwait(false);
            Record(phase, child, code, watch.Elapsed);
            foreach (var line in Lines(child.Output).TakeLast(2)) _log($"    {line}");
            if (code == 0) return true;
            _log($"  exit code {code}; {(attempt == 1 ? "re-running once" : "giving up")}");
        }
        _result.Problems.Add($"{phase}: `{_result.MigratorRuns[^1].CommandLine}` failed: {LastLine(_result.MigratorRuns[^1].LastLines)}");
        return false;
    }

    private IReadOnlyList<string> Apply(params string[] rest) =>
        ["apply", Demo.Migration.Source, "--fleet", _options.FleetFile, .. PgBin(), .. rest];

    private IReadOnlyList<string> Cutover(string reads, int percent, string writes) =>
        ["cutover", "--fleet", _options.FleetFile, "-m", Demo.Migration.Name, .. PgBin(), "--reads", reads, "--percent", percent.ToString(CultureInfo.InvariantCulture), "--writes", writes];

    /// <summary>The child resolves the managed shards with the PostgreSQL binaries the demo itself was told to use.</summary>
    private string[] PgBin() => Demo.Cluster.BinDirectory is { } bin ? ["--pg-bin", bin] : [];

    private void Mark(string phase, string note)
    {
        foreach (var s in _shards) s.Mark(phase);
        _log($"[{Now,6:F1}s] phase {phase}: {note}");
    }

    private void Fault(string fault, string detail)
    {
        _result.Faults.Add(new InjectedFault(Now, fault, detail));
        FaultShard.MarkEvent($"fault: {fault}");
        _log($"[{Now,6:F1}s] FAULT {fault}: {detail}");
    }

    private void Record(string phase, MigratorProcess child, int code, TimeSpan elapsed) =>
        _result.MigratorRuns.Add(new MigratorRun(phase, Redact(child.CommandLine), code, child.Killed, Math.Round(elapsed.TotalSeconds, 2),
            string.Join('\n', Lines(child.Output).TakeLast(12))));

    private string Redact(string commandLine) =>
        commandLine.Replace(Demo.Migration.Source, Demo.Migration.SourcePlaceholder, StringComparison.Ordinal)
            .Replace(_options.FleetFile, "<fleet>", StringComparison.Ordinal);

    private static IEnumerable<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string LastLine(string output) => Lines(output).LastOrDefault() ?? "";
}
