using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Cli.Telemetry;
using Switchyard.Core;
using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard backfill run|status</c> (hidden): a migration's backfills on their own (its normalizations and its
/// operation units' row touches), resumable from their cursors. The engine's <c>apply</c> runs the same component as
/// its Backfill phase.
/// </summary>
internal static class BackfillCommands
{
    public static Command Build()
    {
        var backfill = new Command("backfill", "Run or inspect a migration's backfill on its own (the engine's apply runs it as a phase).") { Hidden = true };

        var run = new Command("run", "Run the backfills of a migration whose Expand is done, in plan order; resumes from committed cursors.");
        var spec = CliOptions.SpecFile("The migration's spec (YAML). Default: the spec of the newest migration in this database's journal that has a backfill.");
        var migration = new Option<string?>("--migration") { Description = "Key of the backfill's cursors in the journal. Default: the spec's migration name." };
        var workers = CliOptions.Number("--workers", "Parallel workers (first start only).", new BackfillOptions().Workers, 1, 64, "4");
        var rate = CliOptions.OptionalNumber("--max-rows-per-second", "Rows/s limit across all workers.", 1d, double.MaxValue, "20000");
        var unmapped = new Option<string?>("--unmapped") { Description = "fail | map_to:<code> | add_to_lookup: overrides the spec's policy for its normalize_column." };
        unmapped.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !TryParsePolicy(r.Tokens[0].Value, out _))
                r.AddError($"--unmapped must be fail, add_to_lookup or map_to:<code>, got '{r.Tokens[0].Value}'. Pass e.g. --unmapped map_to:declined.");
        });
        var targetMs = CliOptions.Number("--target-batch-ms", "Time per batch the size adapts to.", 200, 1, 60_000, "200");
        var initial = CliOptions.Number("--initial-batch-keys", "Key width of the first batch.", new BackfillOptions().InitialBatchKeys, 1, long.MaxValue, "1000");
        var max = CliOptions.Number("--max-batch-keys", "Largest key width of a batch.", new BackfillOptions().MaxBatchKeys, 1, long.MaxValue, "50000");
        var slo = CliOptions.LatencySlo("--latency-slo", "Foreground p99 to keep (see --latency-source): 1.5x the baseline measured before the start, a latency (25ms), or off.");
        var json = GlobalOptions.Json();
        var otlp = OtlpExport.Option();
        foreach (var o in new Option[] { spec, migration, workers, rate, unmapped, targetMs, initial, max, slo, ApplyPlugins.LatencySourceOption, otlp, json }) run.Options.Add(o);
        CommandAction.Set(run, async (ctx, ct) =>
        {
            using var export = OtlpExport.Start(ctx.ParseResult.GetValue(otlp));
            // A named spec is read before connecting, so a bad file fails fast; otherwise the journal names it.
            var named = ctx.ParseResult.GetValue(spec) is { } path ? SpecLoader.LoadFile(path) : null;
            var target = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var sql = ctx.Sql();
            var loaded = named ?? SpecLoader.LoadFile(await JournaledSpec.NewestAsync(sql, target.Describe(), "backfill run", "that can have a backfill", MayBackfill, ct).ConfigureAwait(false));
            var targets = await TargetsAsync(sql, loaded, ctx.ParseResult.GetValue(unmapped), ct).ConfigureAwait(false);
            var options = new BackfillOptions
            {
                Workers = ctx.ParseResult.GetValue(workers),
                TargetBatchTime = TimeSpan.FromMilliseconds(ctx.ParseResult.GetValue(targetMs)),
                InitialBatchKeys = Math.Min(ctx.ParseResult.GetValue(initial), ctx.ParseResult.GetValue(max)),
                MaxBatchKeys = ctx.ParseResult.GetValue(max),
            };
            var name = ctx.ParseResult.GetValue(migration) ?? loaded.Name;
            var throttles = new List<IBackfillThrottle> { new OperatorControlThrottle(sql) };
            if (ctx.ParseResult.GetValue(rate) is { } limit) throttles.Add(new RowRateThrottle(limit));
            var controller = await ApplyPlugins.CreateSloAsync(ctx, ctx.ParseResult.GetValue(slo), ctx.ParseResult.GetValue(ApplyPlugins.LatencySourceOption), ct).ConfigureAwait(false);
            if (controller is not null) throttles.Add(controller);
            string Describe(BackfillProgress p) => Line(p) + (controller is null ? "" : "; " + controller.Describe());
            var asJson = ctx.ParseResult.GetValue(json);
            var runner = new BackfillRunner(sql, ctx.LoggerFactory.CreateLogger<BackfillRunner>());
            BackfillOutcome? outcome = null;
            // In plan order; a backfill that does not complete stops the run (a later one may read what it fills).
            foreach (var t in targets)
            {
                var request = new BackfillRequest(name, t, options);
                if (!asJson) CliOutput.Plain($"backfill {t.Filled} ({loaded.Name}) in {target.Describe()}");
                outcome = !asJson && AnsiConsole.Profile.Capabilities.Interactive
                    ? await RunWithProgressBarsAsync(runner, request, throttles, Describe, ct).ConfigureAwait(false)
                    : await runner.RunAsync(request, throttles, asJson ? null : new Progress<BackfillProgress>(p => CliOutput.Plain(Describe(p))), ct).ConfigureAwait(false);
                if (outcome is not BackfillCompleted) break;
            }
            if (asJson) CliOutput.WriteJson(new { state = outcome!.State, outcome = outcome.ToString(), stats = outcome.Stats, refusal = (outcome as BackfillFailed)?.Refusal });
            else CliOutput.Plain($"backfill {outcome!.State}: {outcome}");
            return outcome switch { BackfillCompleted => 0, BackfillPaused => 3, BackfillAborted => 4, _ => 2 };
        });

        var status = new Command("status", "Show the backfill's progress from the journal: rows, rate, ETA, per worker.");
        var statusMigration = new Option<string?>("--migration") { Description = "The migration whose backfill to show. Default: the one active migration." };
        var statusJson = GlobalOptions.Json();
        status.Options.Add(statusMigration);
        status.Options.Add(statusJson);
        CommandAction.Set(status, async (ctx, ct) =>
        {
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var name = ctx.ParseResult.GetValue(statusMigration) ?? (await new MigrationControl(ctx.Sql()).FindAsync(null, ct).ConfigureAwait(false)).Name;
            var p = await BackfillProgressReader.ReadAsync(ctx.Sql(), name, ct).ConfigureAwait(false)
                ?? throw new SwitchyardException($"no backfill has started for migration '{name}' in this database.", "Start it with: switchyard backfill run --migration " + name);
            if (ctx.ParseResult.GetValue(statusJson)) CliOutput.WriteJson(p);
            else
            {
                CliOutput.Plain(Line(p));
                CliOutput.Table(null, ["worker", "keys", "next", "rows", "batches", "state"], p.Workers.Select(w => (IReadOnlyList<string>)
                [
                    w.Worker.ToString(CultureInfo.InvariantCulture), $"{w.FromKey}..{w.ToKey - 1}", w.NextKey.ToString(CultureInfo.InvariantCulture),
                    w.RowsUpdated.ToString("N0", CultureInfo.InvariantCulture), w.Batches.ToString(CultureInfo.InvariantCulture), w.State,
                ]));
            }
            return 0;
        });

        backfill.Subcommands.Add(run);
        backfill.Subcommands.Add(status);
        return backfill;
    }

    /// <summary>Specs whose operations may plan a backfill: any with an operation unit (its plan over the expanded catalog says).</summary>
    private static bool MayBackfill(MigrationSpec spec) => spec.Operations.Any(o => o is IMigrationOperation);

    /// <summary>
    /// What the migration's Backfill phase fills, in plan order, planned over the expanded catalog (an operation unit's
    /// touch needs its table's key); <paramref name="unmapped"/> overrides a normalization's policy.
    /// </summary>
    private static async Task<IReadOnlyList<IBackfillTarget>> TargetsAsync(SafeSqlRunner sql, MigrationSpec spec, string? unmapped, CancellationToken ct)
    {
        var plan = await new MigrationEngine(sql).PlanExpandedAsync(spec, ct).ConfigureAwait(false);
        var targets = plan.Steps.Where(s => s.Kind == StepKind.Backfill).Select(s => s.BackfillTarget).OfType<IBackfillTarget>().ToList();
        if (targets.Count == 0)
            throw new SwitchyardException($"{spec.SourcePath ?? spec.Name}: migration '{spec.Name}' has no batched backfill step, so there is nothing to run.",
                "Run `switchyard plan` on the spec to see its phases; apply runs any other Backfill step.");
        if (unmapped is null) return targets;
        if (!targets.Any(t => t is NormalizationTarget))
            throw new SwitchyardException($"--unmapped applies to a normalize_column, and migration '{spec.Name}' has none.", "Drop --unmapped.");
        var policy = ParsePolicy(unmapped);
        return [.. targets.Select(t => t is NormalizationTarget n ? n with { Unmapped = policy } : t)];
    }

    /// <summary>One bar per worker on a terminal; the description carries rows/s and ETA.</summary>
    private static async Task<BackfillOutcome> RunWithProgressBarsAsync(BackfillRunner runner, BackfillRequest request, IReadOnlyList<IBackfillThrottle> throttles,
        Func<BackfillProgress, string> line, CancellationToken ct)
    {
        BackfillOutcome? outcome = null;
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
        {
            var bars = new Dictionary<int, ProgressTask>();
            var total = progress.AddTask("backfill", maxValue: 1);
            var reporter = new Progress<BackfillProgress>(p =>
            {
                total.MaxValue = Math.Max(1, p.KeysTotal);
                total.Value = p.KeysDone;
                total.Description = Markup.Escape(line(p));
                foreach (var w in p.Workers)
                {
                    if (!bars.TryGetValue(w.Worker, out var bar))
                        bars[w.Worker] = bar = progress.AddTask($"worker {w.Worker}", maxValue: Math.Max(1, w.ToKey - w.FromKey));
                    bar.Value = w.KeysDone;
                    bar.Description = Markup.Escape($"worker {w.Worker}: {w.RowsUpdated:N0} rows, {w.Batches} batches, {w.State}");
                }
            });
            outcome = await runner.RunAsync(request, throttles, reporter, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return outcome!;
    }

    private static string Line(BackfillProgress p)
    {
        var eta = p.Eta is { } e ? e.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "-";
        var reason = p.Reason is null ? "" : $" ({p.Reason})";
        var step = p.Step is null ? "" : $" (step {p.Step})";
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.State}{step}: {p.RowsDone:N0} / ~{p.RowsEstimated:N0} rows, {p.Fraction:P1} of keys, {p.RowsPerSecond:N0} rows/s, ETA {eta}{reason}");
    }

    private static UnmappedPolicy ParsePolicy(string text) => TryParsePolicy(text, out var policy) ? policy
        : throw new SwitchyardException($"--unmapped '{text}' is not a policy.", "Use fail, add_to_lookup, or map_to:<code> (e.g. map_to:declined).");

    private static bool TryParsePolicy(string text, out UnmappedPolicy policy)
    {
        policy = text.Trim() switch
        {
            "fail" => UnmappedPolicy.Fail,
            "add_to_lookup" => new UnmappedPolicy(UnmappedAction.AddToLookup),
            var s when s.StartsWith("map_to:", StringComparison.Ordinal) && s[7..].Trim().Length > 0 => new UnmappedPolicy(UnmappedAction.MapTo, s[7..].Trim()),
            _ => null!,
        };
        return policy is not null;
    }
}
