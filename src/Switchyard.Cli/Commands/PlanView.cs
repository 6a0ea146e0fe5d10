using Spectre.Console;
using Switchyard.Core.Planning;

namespace Switchyard.Cli.Commands;

/// <summary>Renders a plan for people: a table per phase, then its gate.</summary>
internal static class PlanView
{
    public static void Print(MigrationPlan plan)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(plan.Name)}[/] on {Markup.Escape(plan.TargetTable.ToString())}" + (plan.FlagKey is null ? "" : $" (flag {Markup.Escape(plan.FlagKey)})"));
        foreach (var phase in plan.Phases)
        {
            var title = phase.Phase + (phase.PointOfNoReturn ? " — POINT OF NO RETURN" : "");
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).Expand();
            foreach (var h in new[] { "step", "SQL", "lock", "rewrite", "rollback" }) table.AddColumn(h);
            foreach (var s in phase.Steps)
            {
                table.AddRow(Markup.Escape(s.Description), Markup.Escape(s.Sql), Markup.Escape(s.LockLevel + (s.Concurrently ? " (concurrently)" : "")),
                    s.RewritesTable ? "yes" : "no", Markup.Escape(s.Rollback is null ? "" : s.Rollback.Description + (s.Rollback.Sql is null ? "" : "\n" + s.Rollback.Sql)));
            }
            if (phase.Steps.Count == 0) table.AddRow("(no steps)", "", "", "", "");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"  [yellow]gate:[/] {Markup.Escape(phase.Gate)}");
        }
    }
}
