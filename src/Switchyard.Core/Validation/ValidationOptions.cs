namespace Switchyard.Core.Validation;

/// <summary>How the suite runs: chunk size, parallelism, sample sizes and per-check thresholds.</summary>
public sealed record ValidationOptions
{
    /// <summary>Width of one primary-key chunk; each chunk is one short transaction.</summary>
    /// <value>The default is 250,000 keys.</value>
    public long ChunkKeys { get; init; } = 250_000;

    /// <summary>Chunks scanned at once (one connection each).</summary>
    /// <value>The default is 2.</value>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// Tables whose heap is at most this size are read by the completeness, orphans, mismatch and counts checks in one
    /// parallel sequential scan each instead of chunks: a ring-buffered scan does not evict the live workload's pages
    /// from shared_buffers the way TID-range or key-range chunks do, and it is the fastest way to read a table. Its
    /// snapshot is held for the scan only (about 0.35–1.1 s per GB on the 2-core bench box, by check). Zero: always chunks.
    /// </summary>
    /// <value>The default is 2 GiB.</value>
    public long SinglePassMaxBytes { get; init; } = 2L << 30;

    /// <summary>
    /// Whether the mismatch check reads the distinct (legacy value, id) pairs from a <see cref="PairIndex"/> by skip
    /// scan when the table has one, instead of reading every heap row; false always reads the heap.
    /// </summary>
    /// <value>The default is true.</value>
    public bool MismatchFromPairIndex { get; init; } = true;

    /// <summary>
    /// Above this many distinct pairs in the pair index the mismatch check stops the skip scan and reads the heap: each
    /// pair costs one index descent and one judged row, which only pays while the pairs are few (a status column has tens).
    /// </summary>
    /// <value>The default is 10,000.</value>
    public int PairIndexMaxPairs { get; init; } = 10_000;

    /// <summary>How many failing keys a check reports.</summary>
    /// <value>The default is 5.</value>
    public int SampleKeys { get; init; } = 5;

    /// <summary>Rows the sampling check aims for; the TABLESAMPLE SYSTEM percent is derived from the table's size.</summary>
    /// <value>The default is 10,000.</value>
    public long SampleRows { get; init; } = 10_000;

    /// <summary>A fixed TABLESAMPLE percent (0–100) instead of one derived from <see cref="SampleRows"/>.</summary>
    public double? SamplePercent { get; init; }

    /// <summary>Days before the newest row whose hours are checked one by one for completeness (older data by day).</summary>
    /// <value>The default is 3.</value>
    public int HourlyDays { get; init; } = 3;

    /// <summary>The phase the table should have completed; decides the catalog expectations.</summary>
    /// <value>The default is <see cref="MigrationShape.Backfilled"/>.</value>
    public MigrationShape Shape { get; init; } = MigrationShape.Backfilled;

    /// <summary>Which objects on the target column the migration creates (the catalog check asserts only those).</summary>
    /// <value>The default is <see cref="CatalogExpectations.All"/>, the flagship's.</value>
    public CatalogExpectations Catalog { get; init; } = CatalogExpectations.All;

    /// <summary>Failures a check may report and still pass, by check name; a check not listed allows none.</summary>
    public IReadOnlyDictionary<string, long> Thresholds { get; init; } = new Dictionary<string, long>();

    /// <summary>A spec's validation options: the catalog objects it creates and its <c>validation.thresholds</c>.</summary>
    public static ValidationOptions For(Spec.MigrationSpec spec) =>
        new() { Catalog = CatalogExpectations.For(spec), Thresholds = spec.ValidationThresholds };

    public long ThresholdFor(string check) => Thresholds.TryGetValue(check, out var t) ? t : 0;

    public void Validate()
    {
        if (ChunkKeys < 1) throw new SwitchyardException($"chunk size must be at least 1 key, got {ChunkKeys}.", "Pass a chunk size such as --chunk-keys 250000.");
        if (Workers is < 1 or > 64) throw new SwitchyardException($"workers must be between 1 and 64, got {Workers}.", "Pass --workers 2 on a small machine.");
        if (SinglePassMaxBytes < 0) throw new SwitchyardException($"single-pass limit must be zero or more bytes, got {SinglePassMaxBytes}.", "Pass --single-pass-max-mb 0 to always read in chunks, or a size such as 2048.");
        if (PairIndexMaxPairs < 1) throw new SwitchyardException($"pair index limit must be at least 1 pair, got {PairIndexMaxPairs}.");
        if (SampleKeys is < 0 or > 1000) throw new SwitchyardException($"sample keys must be between 0 and 1000, got {SampleKeys}.");
        if (SampleRows < 1) throw new SwitchyardException($"sample rows must be at least 1, got {SampleRows}.");
        if (SamplePercent is { } p && (p <= 0 || p > 100)) throw new SwitchyardException($"sample percent must be in (0, 100], got {p}.", "Pass --sample-percent 1 for a 1% sample.");
        if (HourlyDays < 0) throw new SwitchyardException($"hourly days must be zero or more, got {HourlyDays}.");
        foreach (var (name, t) in Thresholds)
            if (t < 0) throw new SwitchyardException($"threshold for '{name}' must be zero or more, got {t}.");
    }
}
