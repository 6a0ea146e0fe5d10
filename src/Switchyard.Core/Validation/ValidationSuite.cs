using System.Diagnostics;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation.Checks;

namespace Switchyard.Core.Validation;

/// <summary>
/// The checks that gate every phase, run in order against one table. A check reads the table in one ring-buffered
/// parallel pass (a heap within the single-pass limit) or in short page, key or day chunks, so the suite is safe during
/// business hours. The engine's gate runs it before Cutover and before Contract.
/// </summary>
public sealed class ValidationSuite
{
    /// <summary>Every check, in the order the suite runs them: cheap and structural first.</summary>
    public static readonly IReadOnlyList<IValidationCheck> AllChecks =
    [
        new CatalogCheck(), new SamplingCheck(), new CompletenessCheck(), new OrphansCheck(), new MismatchCheck(),
        new CountsCheck(), new ReconciliationCheck(), new DownstreamEquivalenceCheck(),
    ];

    private readonly SafeSqlRunner _sql;
    private readonly NormalizationTarget _target;
    private readonly ReconciliationSettings _settings;
    private readonly ValidationOptions _options;

    public ValidationSuite(SafeSqlRunner sql, NormalizationTarget target, ReconciliationSettings settings, ValidationOptions? options = null)
    {
        _sql = sql;
        _target = target;
        _settings = settings;
        _options = options ?? new ValidationOptions();
        _options.Validate();
    }

    /// <summary>The checks named in <paramref name="names"/> (all when empty); an unknown name is a clear error.</summary>
    public static IReadOnlyList<IValidationCheck> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0) return AllChecks;
        var unknown = names.Where(n => AllChecks.All(c => c.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new SwitchyardException($"Unknown check{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown)}.",
                $"Choose from: {string.Join(", ", AllChecks.Select(c => c.Name))} (comma-separated, e.g. --checks mismatch,counts).");
        return [.. AllChecks.Where(c => names.Contains(c.Name))];
    }

    /// <summary>Reads the catalog facts once and builds the scope every check shares.</summary>
    public async Task<ValidationScope> ScopeAsync(CancellationToken ct) =>
        new(_sql, _target, _settings, _options, await TableFacts.ReadAsync(_sql, _target, _settings, ct).ConfigureAwait(false));

    /// <summary>Runs the chosen checks one after another; with <paramref name="measureSeqScan"/>, first times a plain count(*) as the baseline.</summary>
    public async Task<ValidationReport> RunAsync(IReadOnlyCollection<string>? checks, bool measureSeqScan, CancellationToken ct)
    {
        var selected = Select(checks);
        var total = Stopwatch.StartNew();
        var scope = await ScopeAsync(ct).ConfigureAwait(false);
        TimeSpan? seqScan = null;
        long? counted = null;
        if (measureSeqScan && scope.Facts.TableExists)
            (counted, seqScan) = await SeqScanBaseline.MeasureAsync(_sql, _target.Table, ct).ConfigureAwait(false);
        var results = new List<CheckResult>();
        foreach (var check in selected)
            results.Add(await check.RunAsync(scope, ct).ConfigureAwait(false));
        return new ValidationReport(Guid.NewGuid(), _target.Table.ToString(), _options.Shape, results, seqScan, counted, total.Elapsed);
    }
}

/// <summary>The suite's verdict: every result, and the count(*) baseline when measured.</summary>
public sealed record ValidationReport(
    Guid RunId,
    string Table,
    MigrationShape Shape,
    IReadOnlyList<CheckResult> Results,
    TimeSpan? SeqScan,
    long? SeqScanRows,
    TimeSpan Duration)
{
    public bool Passed => Results.All(r => r.Outcome != CheckOutcome.Failed);

    public IReadOnlyList<string> FailingChecks => [.. Results.Where(r => r.Outcome == CheckOutcome.Failed).Select(r => r.Check)];

    /// <summary>One line for the journal and the gate: what passed, what failed.</summary>
    public string Summary =>
        $"validation of {Table} ({Shape.ToString().ToLowerInvariant()}): {Results.Count(r => r.Outcome == CheckOutcome.Passed)} passed, {FailingChecks.Count} failed"
        + (FailingChecks.Count > 0 ? $" ({string.Join(", ", FailingChecks)})" : "")
        + $", {Results.Count(r => r.Outcome == CheckOutcome.NotApplicable)} not applicable";
}

/// <summary>
/// The baseline the mismatch check is measured against: <c>SELECT count(*)</c> over the table, made to read the heap
/// (index, index-only and bitmap scans off, parallel workers allowed as for any count). A plain count(*) may
/// instead count a small index without touching a row (an index-only scan on the new state_id index after VACUUM),
/// which no check that reads the legacy column can be compared with; <see cref="MeasurePlainAsync"/> reports it too.
/// </summary>
public static class SeqScanBaseline
{
    public static Task<(long Rows, TimeSpan Elapsed)> MeasureAsync(SafeSqlRunner sql, QualifiedName table, CancellationToken ct) =>
        sql.InTransactionAsync(async (c, tx, token) =>
        {
            await ValidationScope.ApplySettingsAsync(c, tx, "SELECT set_config('enable_indexonlyscan', 'off', true), set_config('enable_indexscan', 'off', true), set_config('enable_bitmapscan', 'off', true)", token).ConfigureAwait(false);
            return await CountAsync(c, tx, table, token).ConfigureAwait(false);
        }, ct, description: $"count(*) over {table} (sequential scan baseline)");

    /// <summary>count(*) with whatever plan the planner picks.</summary>
    public static Task<(long Rows, TimeSpan Elapsed)> MeasurePlainAsync(SafeSqlRunner sql, QualifiedName table, CancellationToken ct) =>
        sql.InTransactionAsync((c, tx, token) => CountAsync(c, tx, table, token), ct, description: $"count(*) over {table}");

    private static async Task<(long, TimeSpan)> CountAsync(Npgsql.NpgsqlConnection c, Npgsql.NpgsqlTransaction tx, QualifiedName table, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var cmd = SafeSqlRunner.Command($"SELECT count(*) FROM {table.Sql}", c, tx);
        var rows = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return (rows, watch.Elapsed);
    }
}
