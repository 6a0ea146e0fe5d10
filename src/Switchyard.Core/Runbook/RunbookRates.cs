namespace Switchyard.Core.Runbook;

/// <summary>
/// Rates used to estimate durations from table size. They are estimates, said so in the runbook; measure your own
/// (a recorded backfill benchmark, a seed that prints rows/s) and pass them in for a tighter plan.
/// </summary>
public sealed record RunbookRates
{
    /// <summary>Rows per second the throttled backfill sustains.</summary>
    /// <value>The default is 20,000 rows/s (short keyset batches with the trigger standing aside, on small hardware).</value>
    public double BackfillRowsPerSecond { get; init; } = 20_000;

    /// <summary>Rows per second a full validation scan (VALIDATE CONSTRAINT, a completeness check) reads.</summary>
    /// <value>The default is 1,000,000 rows/s.</value>
    public double ScanRowsPerSecond { get; init; } = 1_000_000;

    /// <summary>Rows per second a CREATE INDEX CONCURRENTLY build covers (two scans plus a sort).</summary>
    /// <value>The default is 300,000 rows/s.</value>
    public double IndexBuildRowsPerSecond { get; init; } = 300_000;

    /// <summary>Where <see cref="BackfillRowsPerSecond"/> came from; null when the caller set it without saying.</summary>
    /// <value>The default is null.</value>
    public BackfillRateSource? BackfillSource { get; init; }

    /// <summary>Rates whose backfill rate is <paramref name="source"/>'s, which the runbook then names.</summary>
    public static RunbookRates From(BackfillRateSource source) => new() { BackfillRowsPerSecond = source.RowsPerSecond, BackfillSource = source };

    /// <summary>The backfill rate, its source and the SLO it assumes, in one line.</summary>
    public string BackfillRateText => EffectiveBackfillSource.Describe();

    /// <summary>The backfill rate and its source in a few words, for a step's estimate.</summary>
    public string BackfillRateShortText => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{BackfillRowsPerSecond:N0} rows/s, {EffectiveBackfillSource.ShortSource}; source and SLO in the summary");

    private BackfillRateSource EffectiveBackfillSource => BackfillSource is { } s && s.RowsPerSecond.Equals(BackfillRowsPerSecond)
        ? s
        : BackfillRowsPerSecond.Equals(BackfillRateSource.Default.RowsPerSecond)
            ? BackfillRateSource.Default
            : new BackfillRateSource(BackfillRowsPerSecond, BackfillRateOrigin.Operator, "given by the operator");

    public void Validate()
    {
        if (BackfillRowsPerSecond <= 0 || ScanRowsPerSecond <= 0 || IndexBuildRowsPerSecond <= 0)
            throw new SwitchyardException("Runbook rates must be positive rows per second.", "Pass e.g. --backfill-rows-per-second 20000.");
    }
}

/// <summary>Size of the migrated table from the catalog: <c>pg_class.reltuples</c> and <c>relpages</c>.</summary>
/// <param name="Rows">Estimated rows; null when the table was never analyzed.</param>
public sealed record RunbookTableSize(string Table, long? Rows, long Pages)
{
    public long Bytes => Pages * 8192;
}
