using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Engine;

/// <summary>Options of the engine's own backfill.</summary>
public sealed record BatchedBackfillOptions
{
    /// <summary>Rows per keyset batch (one short transaction each).</summary>
    /// <value>The default is 5,000.</value>
    public int BatchSize { get; init; } = 5_000;
}

/// <summary>
/// The simple, correct backfill: keyset batches in short transactions, <c>SET LOCAL switchyard.role = 'backfill'</c>
/// so the dual-write trigger stands aside, <c>IS DISTINCT FROM</c> so re-running is idempotent, a throttle asked before
/// every batch (default: the operator's pause / abort in <c>switchyard.control</c>).
/// </summary>
public sealed class BatchedBackfill(BatchedBackfillOptions? options = null, IBackfillThrottle? throttle = null, TimeProvider? time = null) : IBackfillPhase
{
    private readonly BatchedBackfillOptions _options = options ?? new BatchedBackfillOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<BackfillPhaseResult> RunAsync(MigrationRun run, NormalizationTarget target, CancellationToken ct)
    {
        if (target.Unmapped.Action == UnmappedAction.AddToLookup)
            await run.Sql.ExecuteAsync(NormalizationSql.AddUnmappedToLookup(target), ct).ConfigureAwait(false);
        var batchSql = NormalizationSql.BackfillBatch(target);
        long cursor = long.MinValue, updated = 0, scanned = 0;
        var batches = 0;
        // Without an explicit throttle the operator's pause / abort still apply.
        var gate = throttle ?? new ControlThrottle(run.Journal, run.MigrationId);
        var started = _time.GetTimestamp();
        while (true)
        {
            {
                var rate = scanned / Math.Max(0.001, _time.GetElapsedTime(started).TotalSeconds);
                var decision = await gate.BeforeBatchAsync(new BatchContext(run.Name, 0, scanned, 0, rate), ct).ConfigureAwait(false);
                if (decision.Action is ThrottleAction.Abort or ThrottleAction.Pause)
                    return new BackfillPhaseResult(false, updated, scanned, batches, decision.Reason ?? decision.Action.ToString());
                if (decision.Action == ThrottleAction.Slow) await Task.Delay(decision.Delay, _time, ct).ConfigureAwait(false);
            }
            var from = cursor;
            var (last, rows, seen, unmapped) = await run.Sql.InTransactionAsync(async (c, tx, token) =>
            {
                await using (var role = SafeSqlRunner.Command("SET LOCAL switchyard.role = 'backfill'", c, tx))
                    await role.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                await using var cmd = SafeSqlRunner.Command(batchSql, c, tx, from, _options.BatchSize);
                await using var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
                await reader.ReadAsync(token).ConfigureAwait(false);
                return (reader.IsDBNull(0) ? (long?)null : reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }, ct, description: $"backfill batch of {target.Table} after key {from}").ConfigureAwait(false);
            if (unmapped > 0)
            {
                throw new SwitchyardException(
                    $"{unmapped} row(s) of {target.Table} after key {from} have a {target.SourceColumn} that maps to no code in {target.LookupTable} (unmapped policy: {target.Unmapped}); they were left untouched.",
                    "Add aliases or codes to the spec (or another unmapped policy), then re-run apply: rows already done are skipped.");
            }
            if (last is null) break;
            batches++;
            updated += rows;
            scanned += seen;
            cursor = last.Value;
        }
        return new BackfillPhaseResult(true, updated, scanned, batches);
    }
}
