using Switchyard.Cli.Output;
using Switchyard.Core.Planning;

namespace Switchyard.Cli.Commands;

/// <summary>
/// Renders a plan for people as plain indented text: SQL is long and must stay copyable, so it is never wrapped into
/// table cells (which also read badly in CI logs).
/// </summary>
internal static class PlanView
{
    public static void Print(MigrationPlan plan)
    {
        CliOutput.Plain($"{plan.Name} on {plan.TargetTable}" + (plan.FlagKey is null ? "" : $" (flag {plan.FlagKey})"));
        if (plan.VersionSchemas is { } v)
            CliOutput.Plain($"version schemas: new version {v.New} (Search Path={v.New},{plan.TargetTable.Schema}), previous version {v.Previous} (Search Path={v.Previous},{plan.TargetTable.Schema})");
        foreach (var phase in plan.Phases)
        {
            CliOutput.Plain("");
            CliOutput.Plain($"== {phase.Phase}{(phase.PointOfNoReturn ? " — POINT OF NO RETURN (needs --confirm " + plan.Name + ")" : "")}");
            var n = 0;
            foreach (var s in phase.Steps)
            {
                CliOutput.Plain($"  {++n}. {s.Description}");
                CliOutput.Plain($"     lock: {s.LockLevel}{(s.LockTable is null ? "" : " on " + s.LockTable)}{(s.Concurrently ? " (CONCURRENTLY, outside a transaction)" : "")} · rewrites table: {(s.RewritesTable ? "YES" : "no")}");
                foreach (var line in s.Sql.Split('\n')) CliOutput.Plain("     | " + line.TrimEnd());
                if (s.Rollback is { } r) CliOutput.Plain($"     rollback: {r.Description}{(r.Sql is null ? "" : " — " + r.Sql)}");
            }
            if (phase.Steps.Count == 0) CliOutput.Plain("  (no steps)");
            CliOutput.Plain($"  gate: {phase.Gate}");
        }
    }
}
