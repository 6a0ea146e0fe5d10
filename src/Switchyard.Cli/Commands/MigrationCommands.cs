using Switchyard.Core.LocalPostgres;
using System.CommandLine;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Cli.Telemetry;
using Switchyard.Core;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Cli.Commands;

/// <summary>plan / apply / status / rollback / cutover / pause / resume / abort: the migration engine from the terminal.</summary>
internal static class MigrationCommands
{
    private static Argument<string> SpecArgument() => new("spec") { Description = "Path of the YAML migration spec." };

    private static Option<string?> MigrationOption() => new("--migration", "-m") { Description = "Migration name. Default: the one active migration." };

    private static readonly Option<int> LockTimeoutMs = CliOptions.Number("--lock-timeout-ms", "lock_timeout of every DDL attempt, in ms.", 200, 1, 600_000, "200");

    private static readonly Option<int> HolderWaitSeconds = CliOptions.Number("--holder-wait-seconds", "How long a DDL step waits outside the lock queue for conflicting holders before failing with their pids.", 120, 0, 86_400, "120");

    private static SafeSqlOptions RunnerOptions(CliContext ctx) => new()
    {
        LockTimeout = TimeSpan.FromMilliseconds(ctx.ParseResult.GetValue(LockTimeoutMs)),
        ConflictWaitBudget = TimeSpan.FromSeconds(ctx.ParseResult.GetValue(HolderWaitSeconds)),
    };

    public static Command Plan()
    {
        var command = new Command("plan", "Print the phases of a migration: each step's SQL, lock, rewrite, rollback, and the gates.");
        var spec = SpecArgument();
        var json = GlobalOptions.Json();
        command.Arguments.Add(spec);
        command.Options.Add(json);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var loaded = SpecLoader.LoadFile(ctx.ParseResult.GetValue(spec)!);
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            if (await CompletedMigration.DescribeAsync(ctx.Sql(), loaded.Name, ct).ConfigureAwait(false) is { } done)
            {
                if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(new { migration = loaded.Name, state = MigrationStates.Completed, message = done });
                else CliOutput.Plain(done);
                return 0;
            }
            var plan = await new MigrationEngine(ctx.Sql()).PlanAsync(loaded, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(plan);
            else PlanView.Print(plan);
            return 0;
        });
        return command;
    }

    public static Command Apply()
    {
        var command = new Command("apply", "Run a migration as far as its gates allow; re-running continues from the journal. Given a folder, apply its specs in file-name order (a chain).");
        var spec = new Argument<string>("spec") { Description = "Path of the YAML migration spec, or of a folder of specs applied in file-name order." };
        var expectOne = new Option<bool>("--expect-one") { Description = "With a folder: refuse (exit 2, nothing run) when more than one of its migrations is not applied yet." };
        var to = CliOptions.OptionalEnum<MigrationPhase>("--to", "Stop after this phase.");
        var confirm = new Option<string?>("--confirm") { Description = "The migration's name: allows Contract, the point of no return." };
        var batch = CliOptions.Number("--batch-size", "Rows per backfill batch.", 5000, 1, 1_000_000, "5000");
        var json = GlobalOptions.Json();
        var fleet = FleetCommands.FleetOption("A fleet file: run the migration on every shard, phase by phase with barriers (--max-rows-per-second is the whole fleet's budget).");
        command.Arguments.Add(spec);
        command.Options.Add(fleet);
        var otlp = OtlpExport.Option();
        command.Options.Add(otlp);
        command.Options.Add(to);
        command.Options.Add(confirm);
        command.Options.Add(batch);
        command.Options.Add(LockTimeoutMs);
        command.Options.Add(HolderWaitSeconds);
        command.Options.Add(json);
        command.Options.Add(expectOne);
        ApplyPlugins.AddTo(command);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var path = ctx.ParseResult.GetValue(spec)!;
            using var export = OtlpExport.Start(ctx.ParseResult.GetValue(otlp));
            if (ctx.ParseResult.GetValue(fleet) is { } fleetPath)
                return await FleetCommands.ApplyAsync(ctx, path, fleetPath, new FleetCommands.ApplySettings(ctx.ParseResult.GetValue(to), ctx.ParseResult.GetValue(confirm),
                    ctx.ParseResult.GetValue(batch), ctx.ParseResult.GetValue(json), RunnerOptions(ctx)), ct).ConfigureAwait(false);
            if (Directory.Exists(path))
                return await ChainCommands.ApplyAsync(ctx, path, new ChainCommands.ApplySettings(ctx.ParseResult.GetValue(to), ctx.ParseResult.GetValue(confirm),
                    ctx.ParseResult.GetValue(expectOne), ctx.ParseResult.GetValue(batch), ctx.ParseResult.GetValue(json), RunnerOptions(ctx)), ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(expectOne))
                throw new SwitchyardException($"--expect-one needs a folder of specs; {path} is a file.", "Pass the migrations folder, or drop --expect-one.");
            var loaded = SpecLoader.LoadFile(path);
            var toPhase = ctx.ParseResult.GetValue(to);
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var sql = ctx.Sql(RunnerOptions(ctx));
            await using var plugged = await ApplyPlugins.BuildAsync(ctx, sql, ctx.ParseResult.GetValue(batch), loaded, ct).ConfigureAwait(false);
            var asJson = ctx.ParseResult.GetValue(json);
            // Each done line as its step finishes: the backfill's progress lines then follow the steps they come after.
            var stepDone = asJson ? null : new Action<string>(key => CliOutput.Plain($"  done: {key}"));
            var result = await plugged.Engine.ApplyAsync(loaded, new ApplyOptions { To = toPhase, Confirm = ctx.ParseResult.GetValue(confirm), StepDone = stepDone }, ct).ConfigureAwait(false);
            Print(result, asJson, stepsPrinted: stepDone is not null);
            return result.State is MigrationStates.Failed or MigrationStates.Paused ? 5 : 0;
        });
        return command;
    }

    public static Command Rollback()
    {
        var command = new Command("rollback", "Undo the phases after --to (default: everything), newest step first. Refused once Contract started.");
        var to = CliOptions.OptionalEnum<MigrationPhase>("--to", "Keep this phase, undo the later ones.");
        var migration = MigrationOption();
        var specPath = new Option<string?>("--spec") { Description = "The migration's spec. Default: the path the journal recorded." };
        var confirm = new Option<string?>("--confirm") { Description = "The migration's name: needed once flags have left legacy (rollback returns them and waits for every Compat client)." };
        var ackTimeout = CliOptions.Number("--ack-timeout-seconds", "How long to wait for every connected Compat client to acknowledge the legacy flags before refusing.", 30, 1, 3_600, "30");
        var json = GlobalOptions.Json();
        var fleet = FleetCommands.FleetOption("A fleet file: roll back every shard (or only --shard), each from any phase before Contract.");
        var shard = new Option<string?>("--shard") { Description = "With --fleet: roll back only this shard." };
        command.Options.Add(fleet);
        command.Options.Add(shard);
        command.Options.Add(confirm);
        command.Options.Add(ackTimeout);
        command.Options.Add(to);
        command.Options.Add(migration);
        command.Options.Add(specPath);
        command.Options.Add(LockTimeoutMs);
        command.Options.Add(HolderWaitSeconds);
        command.Options.Add(json);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var toPhase = ctx.ParseResult.GetValue(to);
            var rollbackOptions = new Core.Engine.Rollback.RollbackOptions
            {
                Confirm = ctx.ParseResult.GetValue(confirm),
                AckTimeout = TimeSpan.FromSeconds(ctx.ParseResult.GetValue(ackTimeout)),
                Progress = CliOutput.PlainLines,
            };
            if (ctx.ParseResult.GetValue(fleet) is { } fleetPath)
                return await FleetCommands.RollbackAsync(ctx, fleetPath, ctx.ParseResult.GetValue(shard), new FleetCommands.RollbackSettings(
                    ctx.ParseResult.GetValue(migration), ctx.ParseResult.GetValue(specPath), toPhase, rollbackOptions, RunnerOptions(ctx)), ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(shard) is not null)
                throw new SwitchyardException("--shard needs --fleet.", "Pass --fleet <file> with --shard NAME, or drop --shard.");
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var sql = ctx.Sql(RunnerOptions(ctx));
            var record = await new MigrationControl(sql).FindAsync(ctx.ParseResult.GetValue(migration), ct).ConfigureAwait(false);
            var path = ctx.ParseResult.GetValue(specPath) ?? record.SpecPath
                ?? throw new SwitchyardException($"The journal has no spec path for '{record.Name}'.", "Pass --spec <path of its YAML spec>.");
            var result = await new MigrationRollback(sql).RollbackAsync(SpecLoader.LoadFile(path), toPhase, rollbackOptions, ct).ConfigureAwait(false);
            Print(result, ctx.ParseResult.GetValue(json));
            return 0;
        });
        return command;
    }

    public static Command Status()
    {
        var command = new Command("status", "Migrations in the target database: phase, state, steps, flags, operator control, backfill progress, guard signals, recent events.");
        var migration = MigrationOption();
        var noGuards = new Option<bool>("--no-guards") { Description = "Do not read the guards' signals (replication lag, long transactions, lock waits, WAL rate, mismatches)." };
        var standby = StandbyConnections.Option("NAME=CONNECTION of a standby whose heartbeat lag status shows (repeatable). The managed cluster's standbys are included.");
        var json = GlobalOptions.Json();
        var fleet = FleetCommands.FleetOption("A fleet file: one line per shard (phase, state, backfill progress, last guard decision) and the fleet's phase.");
        command.Options.Add(fleet);
        command.Options.Add(migration);
        command.Options.Add(noGuards);
        command.Options.Add(standby);
        command.Options.Add(json);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            if (ctx.ParseResult.GetValue(fleet) is { } fleetPath)
                return await FleetCommands.StatusAsync(ctx, fleetPath, ctx.ParseResult.GetValue(migration), ctx.ParseResult.GetValue(json), ct).ConfigureAwait(false);
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var guards = ctx.ParseResult.GetValue(noGuards) ? null : new Core.Guards.GuardOptions { StandbyConnections = StandbyConnections.Resolve(ctx, standby) };
            var statuses = await new MigrationControl(ctx.Sql()).StatusAsync(ctx.ParseResult.GetValue(migration), null, guards, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(statuses);
            else
            {
                StatusView.Print(statuses);
                StatusView.PrintVersionSchemas(await Core.Operations.VersionSchemas.VersionSchemaCatalog.ListAsync(ctx.Sql(), ct).ConfigureAwait(false));
            }
            // A journal someone edited is an incident, not a detail: CI and on-call scripts see it in the exit code.
            var broken = statuses.FirstOrDefault(s => s.EventChain?.Break is not null);
            if (broken is null) return 0;
            CliOutput.Fail($"the journal of migration {broken.Migration.Name} was altered: event chain {broken.EventChain!.Describe()}.",
                "Compare with the last exported evidence (switchyard evidence --verify) and treat the journal as untrusted until explained.");
            return 4;
        });
        return command;
    }

    public static Command Cutover()
    {
        var command = new Command("cutover", "Flip the migration's read/write flags (switchyard.flags); every flip is journaled.");
        var reads = CliOptions.Choice("--reads", "Where reads go.", null, "legacy", "shadow", "new", "new_only");
        reads.Required = true;
        var percent = CliOptions.Number("--percent", "Share of reads served by the new shape (with --reads new).", 100, 0, 100, "10");
        var writes = CliOptions.Choice("--writes", "Where writes go.", "both", "legacy", "both", "new");
        var migration = MigrationOption();
        var json = GlobalOptions.Json();
        var fleet = FleetCommands.FleetOption("A fleet file: flip the flags on every shard, only once every shard passed Validate (else none is flipped).");
        foreach (var o in new Option[] { reads, percent, writes, migration, json, fleet }) command.Options.Add(o);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            if (ctx.ParseResult.GetValue(fleet) is { } fleetPath)
                return await FleetCommands.CutoverAsync(ctx, fleetPath, ctx.ParseResult.GetValue(migration), ctx.ParseResult.GetValue(reads)!,
                    ctx.ParseResult.GetValue(percent), ctx.ParseResult.GetValue(writes)!, ctx.ParseResult.GetValue(json), ct).ConfigureAwait(false);
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var flag = await new MigrationControl(ctx.Sql()).CutoverAsync(ctx.ParseResult.GetValue(migration), ctx.ParseResult.GetValue(reads)!,
                ctx.ParseResult.GetValue(percent), ctx.ParseResult.GetValue(writes)!, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(flag);
            else CliOutput.Plain($"{flag.FlagKey}: reads {flag.ReadMode} {flag.ReadPercent}%, writes {flag.WriteMode} (version {flag.Version})");
            return 0;
        });
        return command;
    }

    public static Command Pause() => Control("pause", ControlAction.Pause, "Ask the running migration to pause before its next batch or step.");

    public static Command Resume() => Control("resume", ControlAction.Resume, "Clear a pause or abort request; re-run apply to continue.");

    public static Command Abort() => Control("abort", ControlAction.Abort, "Ask the running migration to stop between steps (what is done stays done).");

    private static Command Control(string name, ControlAction action, string description)
    {
        var command = new Command(name, description);
        var migration = MigrationOption();
        var reason = new Option<string?>("--reason") { Description = "Why; shown in status and the journal." };
        command.Options.Add(migration);
        command.Options.Add(reason);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var control = await new MigrationControl(ctx.Sql()).SetAsync(ctx.ParseResult.GetValue(migration), action, ctx.ParseResult.GetValue(reason), ct).ConfigureAwait(false);
            CliOutput.Plain($"{name}: paused={control.Paused.ToString().ToLowerInvariant()} abort_requested={control.AbortRequested.ToString().ToLowerInvariant()}");
            return 0;
        });
        return command;
    }

    internal static void Print(RunResult result, bool json, bool stepsPrinted = false)
    {
        if (json)
        {
            CliOutput.WriteJson(result);
            return;
        }
        if (!stepsPrinted)
        {
            foreach (var step in result.StepsRun) CliOutput.Plain($"  done: {step}");
        }
        CliOutput.Plain($"{result.Migration}: phase {result.Phase}, {result.State}");
        CliOutput.Plain(result.Message);
    }
}
