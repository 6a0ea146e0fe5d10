using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;

namespace Switchyard.Core.Backfill.Bench;

/// <summary>
/// The backfill a careful engineer writes by hand, the benchmark's second baseline: a PL/pgSQL procedure that walks
/// the key range in keyset batches, commits after each, and sets the same <c>switchyard.role</c> the engine's trigger
/// steps aside for; two sessions each CALL it on half of the keys.
/// </summary>
public sealed class HandWrittenBatchLoop
{
    /// <summary>Keys per batch.</summary>
    public const long BatchKeys = 5_000;

    /// <summary>Sessions splitting the key range.</summary>
    public const int Sessions = 2;

    private static readonly QualifiedName Procedure = new("switchyard", "bench_backfill_loop");

    private readonly SafeSqlRunner _sql;
    private readonly NormalizationTarget _target;

    public HandWrittenBatchLoop(SafeSqlRunner sql, NormalizationTarget target)
    {
        _sql = sql;
        _target = target;
    }

    /// <summary>Creates the procedure (not timed): identifiers quoted, the mapping is the engine's one definition.</summary>
    public Task CreateAsync(CancellationToken ct)
    {
        var t = _target;
        var (key, target) = (Ident.Quote(t.KeyColumn), Ident.Quote(t.TargetColumn));
        var sql = $"""
            CREATE OR REPLACE PROCEDURE {Procedure.Sql}(from_key bigint, to_key bigint, batch_keys bigint, INOUT rows_updated bigint DEFAULT 0)
            LANGUAGE plpgsql AS $loop$
            DECLARE
                lo bigint := from_key;
                n bigint;
            BEGIN
                rows_updated := 0;
                WHILE lo < to_key LOOP
                    -- transaction-local, like the engine's batches: the COMMIT below ends it
                    PERFORM set_config('switchyard.role', 'backfill', true);
                    UPDATE {t.Table.Sql} t SET {target} = s.{Ident.Quote(t.LookupIdColumn)}
                    FROM {t.LookupTable.Sql} s
                    WHERE t.{key} >= lo AND t.{key} < least(lo + batch_keys, to_key)
                      AND s.{Ident.Quote(t.LookupCodeColumn)} = {t.CodeSql("t." + Ident.Quote(t.SourceColumn))}
                      AND t.{target} IS DISTINCT FROM s.{Ident.Quote(t.LookupIdColumn)};
                    GET DIAGNOSTICS n = ROW_COUNT;
                    rows_updated := rows_updated + n;
                    lo := lo + batch_keys;
                    COMMIT;
                END LOOP;
            END
            $loop$
            """;
        return _sql.ExecuteDdlAsync(new DdlStatement(sql, []), ct);
    }

    /// <summary>Runs the two sessions over [min key, max key] and returns the rows they updated.</summary>
    public async Task<long> RunAsync(CancellationToken ct)
    {
        var key = Ident.Quote(_target.KeyColumn);
        var bounds = await _sql.QueryAsync($"SELECT coalesce(min({key}), 1)::bigint, coalesce(max({key}), 0)::bigint FROM {_target.Table.Sql}",
            r => (Min: r.GetInt64(0), Max: r.GetInt64(1)), ct).ConfigureAwait(false);
        var (min, max) = bounds[0];
        var sessions = BackfillStore.Split(min, max + 1, Sessions)
            .Select(range => _sql.CallAsync<long>($"CALL {Procedure.Sql}($1, $2, $3, NULL)", ct, range.From, range.To, BatchKeys));
        return (await Task.WhenAll(sessions).ConfigureAwait(false)).Sum();
    }
}
