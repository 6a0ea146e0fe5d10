using System.CommandLine;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Fleet;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Cli.Commands;

/// <summary><c>--fleet FILE</c> on apply / status / cutover / rollback: the same commands on every shard of a fleet, with phase barriers.</summary>
internal static class FleetCommands
{
    public static Option<string?> FleetOption(string description) => new("--fleet") { Description = description, HelpName = "FILE" };

    public static async Task<int> ApplyAsync(CliContext ctx, string specPath, string fleetPath, ApplySettings settings, CancellationToken ct)
    {
        var spec = SpecLoader.LoadFile(specPath);
        var budget = ctx.ParseResult.GetValue(ApplyPlugins.MaxRowsPerSecond) is > 0 and var rate ? new FleetRowBudget(rate) : null;
        await using var fleet = await FleetSessions.OpenAsync(ctx, fleetPath, null, settings.Runner,
            (sql, target, shard) => ApplyPlugins.BuildAsync(ctx, sql, settings.BatchSize, spec, target.Standbys, new FleetShardPlug(shard.Name, budget), ct), ct).ConfigureAwait(false);
        var result = await new FleetApply(fleet.Fleet, fleet.Shards).RunAsync(spec,
            new FleetApplyOptions { To = settings.To, Confirm = settings.Confirm, Budget = budget, Progress = settings.Json ? null : CliOutput.Plain }, ct).ConfigureAwait(false);
        if (settings.Json)
        {
            CliOutput.WriteJson(result);
        }
        else
        {
            foreach (var s in result.Shards) CliOutput.Plain($"{s.Shard}: phase {s.Phase}, {s.State}");
            CliOutput.Plain($"fleet {result.Fleet} ({result.RunId}): phase {result.Phase}, {result.State}");
            CliOutput.Plain(result.Message);
        }
        // As for one database: a failed or paused migration is exit 5; waiting at a gate is 0.
        return result.State is MigrationStates.Failed or MigrationStates.Paused ? 5 : 0;
    }

    public static async Task<int> StatusAsync(CliContext ctx, string fleetPath, string? migration, bool json, CancellationToken ct)
    {
        await using var fleet = await FleetSessions.OpenAsync(ctx, fleetPath, null, null, null, ct).ConfigureAwait(false);
        var status = await FleetStatusReader.ReadAsync(fleet.Fleet, fleet.Shards, migration, ct).ConfigureAwait(false);
        if (json)
        {
            CliOutput.WriteJson(status);
            return 0;
        }
        var width = status.Shards.Max(s => s.Shard.Length);
        foreach (var s in status.Shards)
            CliOutput.Plain($"{s.Shard.PadRight(width)}  {s.Migration}  phase {s.Phase}  state {s.State}  backfill {s.Backfill}  guard {s.Guard}");
        CliOutput.Plain($"fleet {status.Fleet}: phase {status.Phase} (the lowest of its {status.Shards.Count} shards)");
        return 0;
    }

    public static async Task<int> CutoverAsync(CliContext ctx, string fleetPath, string? migration, string reads, int percent, string writes, bool json, CancellationToken ct)
    {
        await using var fleet = await FleetSessions.OpenAsync(ctx, fleetPath, null, null, null, ct).ConfigureAwait(false);
        var flipped = await FleetCutover.FlipAsync(fleet.Shards, migration, reads, percent, writes, ct).ConfigureAwait(false);
        if (json) CliOutput.WriteJson(flipped.Select(f => new { shard = f.Shard, flag = f.Flag }));
        else foreach (var (shard, flag) in flipped) CliOutput.Plain($"{shard}: {flag.FlagKey}: reads {flag.ReadMode} {flag.ReadPercent}%, writes {flag.WriteMode} (version {flag.Version})");
        return 0;
    }

    /// <summary>Rolls back every shard (or only <paramref name="onlyShard"/>); one shard's refusal does not stop the others.</summary>
    public static async Task<int> RollbackAsync(CliContext ctx, string fleetPath, string? onlyShard, RollbackSettings settings, CancellationToken ct)
    {
        await using var fleet = await FleetSessions.OpenAsync(ctx, fleetPath, onlyShard, settings.Runner, null, ct).ConfigureAwait(false);
        var name = settings.Migration ?? await ActiveMigrationAsync(fleet.Shards, ct).ConfigureAwait(false);
        var exit = 0;
        foreach (var s in fleet.Shards)
        {
            try
            {
                var record = await new MigrationControl(s.Sql).FindAsync(name, ct).ConfigureAwait(false);
                if (record.State == MigrationStates.RolledBack)
                {
                    // A shard rolled back on its own (--shard) earlier: nothing left to undo there.
                    CliOutput.Plain($"{s.Shard.Name}: {record.Name}: already rolled back");
                    continue;
                }
                var path = settings.SpecPath ?? record.SpecPath
                    ?? throw new SwitchyardException($"The journal has no spec path for '{record.Name}'.", "Pass --spec <path of its YAML spec>.");
                var result = await new MigrationRollback(s.Sql).RollbackAsync(SpecLoader.LoadFile(path), settings.To, settings.Options, ct).ConfigureAwait(false);
                CliOutput.Plain($"{s.Shard.Name}: {result.Migration}: phase {result.Phase}, {result.State}");
                CliOutput.Plain($"{s.Shard.Name}: {result.Message}");
            }
            catch (SwitchyardException e)
            {
                CliOutput.Fail($"shard {s.Shard.Name}: {e.Message}", e.Hint);
                exit = Math.Max(exit, e.ExitCode);
            }
        }
        return exit;
    }

    /// <summary>The migration active on the shards (the same one on each, as apply --fleet leaves them).</summary>
    private static async Task<string> ActiveMigrationAsync(IReadOnlyList<FleetShardSession> shards, CancellationToken ct)
    {
        foreach (var s in shards)
        {
            if (!await s.Engine.Journal.ExistsAsync(ct).ConfigureAwait(false)) continue;
            if ((await s.Engine.Journal.ActiveAsync(ct).ConfigureAwait(false)).FirstOrDefault() is { } active) return active.Name;
        }
        throw new SwitchyardException("No shard of the fleet has an active migration: nothing to roll back.", "Name one with --migration NAME, or check with `switchyard status --fleet <file>`.");
    }

    public sealed record ApplySettings(MigrationPhase? To, string? Confirm, int BatchSize, bool Json, SafeSqlOptions Runner);

    public sealed record RollbackSettings(string? Migration, string? SpecPath, MigrationPhase? To, Core.Engine.Rollback.RollbackOptions Options, SafeSqlOptions Runner);
}
