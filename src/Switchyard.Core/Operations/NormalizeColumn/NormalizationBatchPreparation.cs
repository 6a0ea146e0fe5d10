using Microsoft.Extensions.Logging;
using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>
/// What a normalization needs before its first batch: the lookup's codes, the preflight of unmapped values (warned,
/// journaled, or added to the lookup per the policy), and the batch SQL built on the final code list.
/// </summary>
internal static partial class NormalizationBatchPreparation
{
    public static async Task<PreparedBatch> PrepareAsync(BatchPreparation p, NormalizationTarget target, CancellationToken ct)
    {
        var (sql, store, migration, logger) = (p.Sql, p.Store, p.Migration, p.Logger);
        await UnmappedFunction.EnsureAsync(sql, ct).ConfigureAwait(false);
        var codes = new LookupCodes(sql, target);
        var codeIds = await codes.LoadAsync(ct).ConfigureAwait(false);
        var preflight = await new UnmappedPreflight(sql).RunAsync(target, [.. codeIds.Keys], ct).ConfigureAwait(false);
        var warnings = preflight.Warnings(target).ToList();
        foreach (var w in warnings) LogWarning(logger, w);
        if (target.FallbackCode is { } mapTo && preflight.Unmapped.Values.Count > 0)
            await store.AppendEventAsync(migration, "backfill.unmapped_mapped",
                $"map_to '{mapTo}': legacy values of {target.Table}.{target.SourceColumn} that map to no code, {preflight.Unmapped}",
                new { policy = target.Unmapped.ToString(), code = mapTo, preflight.Unmapped.Rows, preflight.Unmapped.DistinctValues, values = preflight.Unmapped.Values }, ct).ConfigureAwait(false);

        var statements = new BackfillStatements(target, codeIds, null);
        if (target.Unmapped.Action == UnmappedAction.AddToLookup)
        {
            // Codes first, so the batches find every value in the literal list.
            var missing = await codes.MissingAsync(statements, long.MinValue, long.MaxValue, ct).ConfigureAwait(false);
            var added = await codes.AddMissingAsync(missing, ct).ConfigureAwait(false);
            if (added > 0) warnings.Add($"add_to_lookup: added {added} code(s) to {target.LookupTable}: {string.Join(", ", missing)}");
        }
        else if (target.Unmapped.Action == UnmappedAction.MapTo)
        {
            await codes.AddMissingAsync([target.Unmapped.MapToCode!], ct).ConfigureAwait(false);
        }
        var ids = await codes.LoadAsync(ct).ConfigureAwait(false);
        statements = new BackfillStatements(target, ids, target.FallbackCode is { } fallback ? ids[fallback] : null);
        var foreignKeys = await ForeignKeyCheckMode.DecideAsync(sql, target, target.TargetColumn, NormalizationSql.TriggerName(target), ct).ConfigureAwait(false);
        return new PreparedBatch(statements, warnings, preflight.Unmapped, preflight.EstimatedDistinct)
        {
            ForeignKeyChecks = foreignKeys,
            Failures = new UnmappedBatchHandler(sql, store, migration, target, statements),
        };
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);
}
