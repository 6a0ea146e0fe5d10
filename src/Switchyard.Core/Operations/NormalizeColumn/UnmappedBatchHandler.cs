using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>
/// What a normalization does when a batch meets a legacy value that maps to no code (the batch raises
/// <see cref="SqlState"/> rather than leave the row NULL): under add_to_lookup it adds the value's code and runs the
/// batch again once, since the value was written after the pre-flight; otherwise it stops the run with every
/// unmapped value of the run's keys, their row counts and sample keys.
/// </summary>
internal sealed class UnmappedBatchHandler(SafeSqlRunner sql, BackfillStore store, string migration, NormalizationTarget target, BackfillStatements statements)
    : IBatchFailureHandler
{
    /// <summary>SQLSTATE of <c>switchyard.backfill_unmapped</c>; only rows whose value maps to no code reach it.</summary>
    public const string SqlState = "SYUNM";

    public bool Handles(string sqlState) => sqlState == SqlState;

    public async Task<BatchFailureAction> HandleAsync(BatchFailure failure, CancellationToken ct)
    {
        if (target.Unmapped.Action == UnmappedAction.AddToLookup && failure.TimesHandled == 0)
        {
            await AddMissingCodesAsync(failure.From, failure.To, ct).ConfigureAwait(false);
            return BatchFailureAction.Retry;
        }
        var report = await ReportAsync(failure, ct).ConfigureAwait(false);
        var hint = UnmappedLegacyValues.Hint(target, report.Values.FirstOrDefault(v => v.Value != "<null>")?.NormalizedCode, report.Values.Any(v => v.Value == "<null>"));
        return BatchFailureAction.Stop(new BatchRefusal($"unmapped values (policy {target.Unmapped}): {report}", hint, report));
    }

    private async Task<UnmappedReport> ReportAsync(BatchFailure failure, CancellationToken ct)
    {
        // The whole key space the run owns, not only the failing batch: the operator fixes every value at once.
        var values = await ValuesAsync(failure.RunMinKey, failure.RunMaxKey + 1, ct).ConfigureAwait(false);
        if (values.Count == 0) values = await ValuesAsync(failure.From, failure.To, ct).ConfigureAwait(false);
        return new UnmappedReport(target.Table.ToString(), target.SourceColumn, values);
    }

    private Task<IReadOnlyList<UnmappedValue>> ValuesAsync(long from, long to, CancellationToken ct) =>
        sql.QueryAsync(statements.UnmappedReportSql,
            r => new UnmappedValue(r.IsDBNull(0) ? "<null>" : r.GetString(0), r.IsDBNull(1) ? "<null>" : r.GetString(1), r.GetInt64(2), r.GetFieldValue<long[]>(3)),
            ct, from, to, UnmappedPreflight.SampleKeys);

    private async Task AddMissingCodesAsync(long from, long to, CancellationToken ct)
    {
        var lookup = new LookupCodes(sql, target);
        var codes = await lookup.MissingAsync(statements, from, to, ct).ConfigureAwait(false);
        var added = await lookup.AddMissingAsync(codes, ct).ConfigureAwait(false);
        if (added > 0)
            await store.AppendEventAsync(migration, "backfill.codes_added", $"added {added} code(s) to {target.LookupTable}: {string.Join(", ", codes)}", new { codes }, ct).ConfigureAwait(false);
    }
}
