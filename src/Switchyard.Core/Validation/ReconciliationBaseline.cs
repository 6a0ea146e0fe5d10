using System.Globalization;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Validation;

/// <summary>
/// Per balance group: row count and Σ amount over the keys that existed when it was recorded (before the backfill,
/// say). Ledger rows keep their amount for life, so these figures must never change, whatever the migration does.
/// Stored in <c>switchyard.validation_baseline</c>, one set per table; recording again replaces it.
/// </summary>
public sealed record ReconciliationBaseline(long MaxKey, DateTimeOffset RecordedAt, IReadOnlyDictionary<string, (long Rows, decimal Amount)> Groups)
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS switchyard.validation_baseline (
            target_table text NOT NULL,
            group_key    text NOT NULL,
            rows         bigint NOT NULL,
            amount       numeric NOT NULL,
            max_key      bigint NOT NULL,
            recorded_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (target_table, group_key)
        )
        """;

    /// <summary>Computes and stores the baseline in key chunks; returns the number of groups stored.</summary>
    public static async Task<int> RecordAsync(ValidationScope scope, CancellationToken ct)
    {
        await EnsureAsync(scope.Sql, ct).ConfigureAwait(false);
        var maxKey = scope.Facts.MaxKey ?? 0;
        var group = Ident.Quote(scope.Settings.BalanceGroupColumn);
        var sql = $"SELECT t.{group}::text, count(*), sum(t.{scope.Amount}) FROM {scope.Table} t WHERE t.{scope.Key} >= $1 AND t.{scope.Key} < $2 GROUP BY 1";
        var chunks = await scope.EachChunkAsync("record baseline", (c, tx, chunk, token) =>
            ValidationScope.ReadAllAsync(c, tx, sql, r => (Group: r.GetString(0), Rows: r.GetInt64(1), Amount: r.GetDecimal(2)), token, chunk.From, chunk.To), ct).ConfigureAwait(false);
        var groups = chunks.SelectMany(c => c).GroupBy(x => x.Group, StringComparer.Ordinal)
            .Select(g => (Group: g.Key, Rows: g.Sum(x => x.Rows), Amount: g.Sum(x => x.Amount))).ToList();
        var table = scope.Target.Table.ToString();
        await scope.Sql.InTransactionAsync(async (c, tx, token) =>
        {
            await using (var delete = SafeSqlRunner.Command("DELETE FROM switchyard.validation_baseline WHERE target_table = $1", c, tx, table))
                await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            await using var insert = SafeSqlRunner.Command("""
                INSERT INTO switchyard.validation_baseline (target_table, group_key, rows, amount, max_key)
                SELECT $1, g, r, a, $5 FROM unnest($2::text[], $3::bigint[], $4::numeric[]) AS x(g, r, a)
                """, c, tx, table, groups.Select(g => g.Group).ToArray(), groups.Select(g => g.Rows).ToArray(), groups.Select(g => g.Amount).ToArray(), maxKey);
            return await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, ct, description: "store the reconciliation baseline").ConfigureAwait(false);
        return groups.Count;
    }

    /// <summary>The recorded baseline of the scope's table, or null when none was recorded.</summary>
    public static Task<ReconciliationBaseline?> LoadAsync(ValidationScope scope, CancellationToken ct) =>
        scope.Sql.InTransactionAsync(async (c, tx, token) =>
        {
            if (!await TableFacts.ScalarAsync<bool>(c, tx, "SELECT to_regclass('switchyard.validation_baseline') IS NOT NULL", token).ConfigureAwait(false)) return null;
            var rows = await ValidationScope.ReadAllAsync(c, tx,
                "SELECT group_key, rows, amount, max_key, recorded_at FROM switchyard.validation_baseline WHERE target_table = $1",
                r => (Group: r.GetString(0), Rows: r.GetInt64(1), Amount: r.GetDecimal(2), MaxKey: r.GetInt64(3), At: r.GetFieldValue<DateTimeOffset>(4)),
                token, scope.Target.Table.ToString()).ConfigureAwait(false);
            return rows.Count == 0 ? null : new ReconciliationBaseline(rows[0].MaxKey, rows[0].At,
                rows.ToDictionary(r => r.Group, r => (r.Rows, r.Amount), StringComparer.Ordinal));
        }, ct, description: "load the reconciliation baseline");

    private static async Task EnsureAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        await JournalSchema.EnsureAsync(sql, ct).ConfigureAwait(false);
        await sql.ExecuteDdlAsync(new DdlStatement(CreateTable, []), ct).ConfigureAwait(false);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"baseline of {Groups.Count} groups, keys ≤ {MaxKey}, {RecordedAt:u}");
}
