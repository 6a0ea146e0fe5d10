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
        if (statuses.Count > 1)
        {
            // The history first: a chain's migrations in the order they were applied, with the file each came from.
            CliOutput.Table("history", ["#", "migration", "phase", "state", "spec", "checksum", "updated"], statuses.Select((s, i) => (IReadOnlyList<string>)
                [(i + 1).ToString(CultureInfo.InvariantCulture), s.Migration.Name, s.Migration.Phase, s.Migration.State, s.Migration.SpecPath is { } p ? Path.GetFileName(p) : "-",
                 s.Migration.SpecChecksum[..Math.Min(12, s.Migration.SpecChecksum.Length)], s.Migration.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)]));
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
                ("flag", s.Flag is null ? (s.FlagUnknown is { } why ? $"unknown ({why})" : "-") : $"{s.Flag.FlagKey}: reads {s.Flag.ReadMode} {s.Flag.ReadPercent}%, writes {s.Flag.WriteMode} (v{s.Flag.Version})"),
                ("control", s.Control.AbortRequested ? "abort requested" : s.Control.Paused ? "paused" : "running allowed"),
                ("runner", Runner(s)),
                ("updated", m.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)),
                ("journal chain", s.EventChain?.Describe() ?? "-"),
            ]);
            CliOutput.Table(null, ["phase", "step", "status", "attempts", "error"],
                s.Steps.Select(st => (IReadOnlyList<string>)[st.Phase, st.Key, st.Status, st.Attempts.ToString(CultureInfo.InvariantCulture), st.Error ?? ""]));
            if (s.Backfill is { } b) PrintBackfill(b, s.RunnerGone ? Runner(s) : null);
            if (s.Guards is { } g) PrintGuards(g);
            foreach (var e in s.RecentEvents)
                CliOutput.Plain($"  {e.At:HH:mm:ss} {e.Kind} [{e.OsUser}/{e.ApplicationName}] {e.Message}");
        }
    }

    /// <summary>The version schemas an application may put in its connection string's <c>Search Path=</c>.</summary>
    public static void PrintVersionSchemas(IReadOnlyList<(string Schema, string Views)> schemas)
    {
        if (schemas.Count == 0) return;
        CliOutput.Table("version schemas (an app sets Search Path=<schema>)", ["schema", "views"],
            schemas.Select(v => (IReadOnlyList<string>)[v.Schema, v.Views.Length == 0 ? "-" : v.Views]));
    }

    private static string Runner(MigrationStatus s) => s.Runner switch
    {
        { Alive: true } r => "live: " + r.Describe(),
        { } r when s.RunnerGone => string.Create(CultureInfo.InvariantCulture,
            $"gone since {r.LastBeat.ToUniversalTime():u} (no heartbeat for {r.SecondsSinceBeat:F0}s; was host {r.Host}, OS pid {r.OsPid}): re-run apply to continue"),
        null when s.RunnerGone => "gone (no runner holds the table): re-run apply to continue",
        _ => "none",
    };

    /// <param name="gone">Set when the runner is gone: a rate and ETA would describe a process that no longer runs.</param>
    private static void PrintBackfill(BackfillProgress b, string? gone)
    {
        if (gone is not null && b.State == "running")
            CliOutput.Plain(string.Create(CultureInfo.InvariantCulture, $"backfill: not running, its runner is {gone}; {b.RowsDone:N0} / ~{b.RowsEstimated:N0} rows, {b.Fraction:P1} of keys"));
        else
            PrintBackfillLine(b);
        PrintWorkers(b);
    }

    private static void PrintBackfillLine(BackfillProgress b)
    {
        var eta = b.Eta is { } e ? e.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s" : "-";
        CliOutput.Plain(string.Create(CultureInfo.InvariantCulture,
            $"backfill: {b.State}, {b.RowsDone:N0} / ~{b.RowsEstimated:N0} rows, {b.Fraction:P1} of keys, {b.RowsPerSecond:N0} rows/s, ETA {eta}{(b.Reason is null ? "" : " — " + b.Reason)}"));
    }

    private static void PrintWorkers(BackfillProgress b)
    {
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
        CliOutput.Plain(g.LatencySlo is { } slo ? slo.Describe() : "latency SLO: no controller decision journaled");
        CliOutput.Table(null, ["signal", "subject", "value", "action", "detail"],
            g.Now.Verdicts.Select(v => (IReadOnlyList<string>)
            [
                v.Reading.Signal, v.Reading.Subject, v.Reading.DisplayValue,
                v.Reading.Configured ? v.Action.ToString().ToLowerInvariant() + (v.RollbackReadFlags ? "+rollback" : "") : "-",
                v.Reading.Error ?? v.Reading.Detail,
            ]));
    }
}
