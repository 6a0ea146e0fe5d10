using System.Globalization;

namespace Switchyard.Core.Runbook;

/// <summary>Where the runbook's backfill rate comes from, best first.</summary>
public enum BackfillRateOrigin
{
    /// <summary>Given by the operator (<c>--backfill-rows-per-second</c>).</summary>
    Operator,

    /// <summary>The last completed backfill of this table in Switchyard's backfill store.</summary>
    LastBackfill,

    /// <summary>The last recorded <c>bench backfill</c> of this table.</summary>
    LastBench,

    /// <summary>The documented default of <see cref="RunbookRates.BackfillRowsPerSecond"/>.</summary>
    Default,
}

/// <summary>The backfill rate the runbook's estimates use, where it came from, and the latency it was measured under.</summary>
/// <param name="Detail">What was measured, in words (rows, seconds, when).</param>
/// <param name="LatencySlo">The foreground latency the rate was measured under, when one was recorded.</param>
public sealed record BackfillRateSource(double RowsPerSecond, BackfillRateOrigin Origin, string Detail, string? LatencySlo = null)
{
    /// <summary>What the runbook says when no latency SLO came with the rate.</summary>
    public const string NoSlo = "no latency SLO recorded";

    /// <summary>The documented default, when nothing was measured.</summary>
    public static BackfillRateSource Default { get; } = new(new RunbookRates().BackfillRowsPerSecond, BackfillRateOrigin.Default,
        "the documented default (nothing measured for this table: no completed backfill or recorded bench in Switchyard's journal)");

    /// <summary>The source in a few words, for a step's estimate (the summary has <see cref="Describe"/>).</summary>
    public string ShortSource => Origin switch
    {
        BackfillRateOrigin.Operator => "given by the operator",
        BackfillRateOrigin.LastBackfill => "measured by the table's last completed backfill",
        BackfillRateOrigin.LastBench => "measured by the table's last bench backfill",
        _ => "documented default",
    };

    /// <summary>One line for the runbook: the rate, its source and the SLO it assumes.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{RowsPerSecond:N0} rows/s, {Detail}; {LatencySlo ?? NoSlo}");
}
