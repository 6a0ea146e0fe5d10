using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>What the pre-flight learned before the first batch: the estimated distinct legacy values, and every unmapped one exactly.</summary>
public sealed record PreflightReport(double? EstimatedDistinct, UnmappedListing Unmapped)
{
    public IReadOnlyList<string> Warnings(NormalizationTarget target) => Unmapped.Values.Count == 0
        ? []
        :
        [
            $"pre-flight: legacy values of {target.Table}.{target.SourceColumn} that map to no code " +
            $"(policy {target.Unmapped}{(target.FallbackCode is { } code ? $": each becomes '{code}'" : "")}): {Unmapped}",
        ];
}

/// <summary>
/// Before the first batch: the distinct-value estimate from pg_stats, and the exact list of legacy values (NULL and ''
/// included) that map to none of the lookup's codes, with counts and sample keys, so a surprise shows before the
/// backfill starts rather than hours in.
/// </summary>
public sealed class UnmappedPreflight(SafeSqlRunner sql)
{
    /// <summary>Keys listed per unmapped value, in the pre-flight, the plan's refusal and a batch's report alike.</summary>
    public const int SampleKeys = 5;

    public async Task<PreflightReport> RunAsync(NormalizationTarget target, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        var reltuples = await sql.ScalarAsync<double?>("SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = $1::regclass", ct, target.Table.RegclassText).ConfigureAwait(false) ?? 0;
        var stats = await sql.QueryAsync("""
            SELECT n_distinct::float8 FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3
            """, r => r.IsDBNull(0) ? (double?)null : r.GetDouble(0), ct, target.Table.Schema, target.Table.Name, target.SourceColumn).ConfigureAwait(false);
        double? distinct = stats.Count == 0 || stats[0] is null ? null : stats[0] < 0 ? -stats[0]!.Value * reltuples : stats[0];
        var unmapped = await UnmappedLegacyValues.ReadAsync(sql, target, codes, SampleKeys, ct).ConfigureAwait(false);
        return new PreflightReport(distinct, unmapped);
    }
}
