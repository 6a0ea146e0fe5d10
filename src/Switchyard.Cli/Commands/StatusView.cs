using System.Globalization;
using Switchyard.Cli.Output;
using Switchyard.Core.Engine;

namespace Switchyard.Cli.Commands;

/// <summary>Renders migration status for people.</summary>
internal static class StatusView
{
    public static void Print(IReadOnlyList<MigrationStatus> statuses)
    {
        if (statuses.Count == 0)
        {
            CliOutput.Plain("No migrations in this database.");
            return;
        }
        foreach (var s in statuses)
        {
            var m = s.Migration;
            CliOutput.KeyValues(m.Name,
            [
                ("table", m.TargetTable),
                ("phase", m.Phase),
                ("state", m.State),
                ("point of no return", s.PointOfNoReturnPassed ? "passed (Contract started)" : "not reached: rollback restores the old shape"),
                ("flag", s.Flag is null ? "-" : $"{s.Flag.FlagKey}: reads {s.Flag.ReadMode} {s.Flag.ReadPercent}%, writes {s.Flag.WriteMode} (v{s.Flag.Version})"),
                ("control", s.Control.AbortRequested ? "abort requested" : s.Control.Paused ? "paused" : "running allowed"),
                ("updated", m.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)),
            ]);
            CliOutput.Table(null, ["phase", "step", "status", "attempts", "error"],
                s.Steps.Select(st => (IReadOnlyList<string>)[st.Phase, st.Key, st.Status, st.Attempts.ToString(CultureInfo.InvariantCulture), st.Error ?? ""]));
            foreach (var e in s.RecentEvents)
                CliOutput.Plain($"  {e.At:HH:mm:ss} {e.Kind} [{e.OsUser}/{e.ApplicationName}] {e.Message}");
        }
    }
}
