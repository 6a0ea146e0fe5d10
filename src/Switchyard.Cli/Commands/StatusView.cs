using System.Globalization;
using Switchyard.Cli.Output;
using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Guards;

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
                ("journal chain", s.EventChain?.Describe() ?? "-"),
            ]);
            CliOutput.Table(null, ["phase", "step", "status", "attempts", "error"],
                s.Steps.Select(st => (IReadOnlyList<string>)[st.Phase, st.Key, st.Status, st.Attempts.ToString(CultureInfo.InvariantCulture), st.Error ?? ""]));
            if (s.Backfill is { } b) PrintBackfill(b);
            if (s.Guards is { } g) PrintGuards(g);
            foreach (var e in s.RecentEvents)
                CliOutput.Plain($"  {e.At:HH:mm:ss} {e.Kind} [{e.OsUser}/{e.ApplicationName}] {e.Message}");
        }
    }

    private static void PrintBackfill(BackfillProgress b)
    {
        var eta = b.Eta is { } e ? e.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s" : "-";
        CliOutput.Plain(string.Create(CultureInfo.InvariantCulture,
            $"backfill: {b.State}, {b.RowsDone:N0} / ~{b.RowsEstimated:N0} rows, {b.Fraction:P1} of keys, {b.RowsPerSecond:N0} rows/s, ETA {eta}{(b.Reason is null ? "" : " — " + b.Reason)}"));
        CliOutput.Table(null, ["worker", "keys", "next key", "rows", "batches", "batch keys", "state"],
            b.Workers.Select(w => (IReadOnlyList<string>)
            [
                w.Worker.ToString(CultureInfo.InvariantCulture), $"{w.FromKey}..{w.ToKey}", w.NextKey.ToString(CultureInfo.InvariantCulture),
                w.RowsUpdated.ToString("N0", CultureInfo.InvariantCulture), w.Batches.ToString(CultureInfo.InvariantCulture),
                w.CurrentBatchKeys.ToString(CultureInfo.InvariantCulture), w.Done ? "done" : w.State,
            ]));
    }

    private static void PrintGuards(GuardStatus g)
    {
        var d = g.Now.Decision;
        CliOutput.Plain($"guards: throttle now {d.Action.ToString().ToLowerInvariant()}{(d.Reason is null ? "" : " — " + d.Reason)}; last journaled: "
            + (g.LastDecision is { } last ? $"{last.At.ToUniversalTime():HH:mm:ss} {last.Message}" : "none"));
        CliOutput.Table(null, ["signal", "subject", "value", "action", "detail"],
            g.Now.Verdicts.Select(v => (IReadOnlyList<string>)
            [
                v.Reading.Signal, v.Reading.Subject, v.Reading.DisplayValue,
                v.Reading.Configured ? v.Action.ToString().ToLowerInvariant() + (v.RollbackReadFlags ? "+rollback" : "") : "-",
                v.Reading.Error ?? v.Reading.Detail,
            ]));
    }
}
