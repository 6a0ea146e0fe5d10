using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>Reads the lookup table's codes and adds missing ones (add_to_lookup, or the map_to code).</summary>
internal sealed class LookupCodes
{
    private readonly SafeSqlRunner _sql;
    private readonly NormalizationTarget _target;

    public LookupCodes(SafeSqlRunner sql, NormalizationTarget target)
    {
        _sql = sql;
        _target = target;
    }

    private string Id => Ident.Quote(_target.LookupIdColumn);
    private string Code => Ident.Quote(_target.LookupCodeColumn);

    public async Task<IReadOnlyDictionary<string, long>> LoadAsync(CancellationToken ct)
    {
        var rows = await _sql.QueryAsync($"SELECT {Code}::text, {Id}::bigint FROM {_target.LookupTable.Sql}",
            r => (Code: r.GetString(0), Id: r.GetInt64(1)), ct).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Code, r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// The codes that legacy values of keys [<paramref name="from"/>, <paramref name="to"/>) normalize to and the lookup
    /// lacks: one read, no row locks, as a background scan (one process, a full scan's timeout) since the span may be the whole table.
    /// </summary>
    public Task<IReadOnlyList<string>> MissingAsync(BackfillStatements statements, long from, long to, CancellationToken ct) =>
        _sql.BackgroundScanAsync(statements.MissingCodesSql, r => r.GetString(0), "find codes missing from the lookup", ct, from, to);

    /// <summary>
    /// Inserts codes not yet present. The lookup is locked for the insert so an id chosen as max+1 cannot collide with
    /// one the dual-write trigger inserts at the same moment (the lock is on the tiny lookup, never on the big table).
    /// </summary>
    public async Task<int> AddMissingAsync(IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        if (codes.Count == 0) return 0;
        // add_to_lookup must not turn junk into codes: an empty value, or one with a control character, is refused.
        if (codes.FirstOrDefault(c => c.Length == 0 || c.Any(char.IsControl)) is { } junk)
            throw new SwitchyardException(
                $"{_target.Table}.{_target.SourceColumn} has a value that normalizes to {(junk.Length == 0 ? "an empty code" : $"a code with a control character ({string.Concat(junk.Take(40).Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:X4}" : ch.ToString()))})")}; add_to_lookup does not add it to {_target.LookupTable}.",
                "Map it under aliases (or with unmapped: { map_to: <code> }), or clean those rows first; nothing was added.");
        var lookup = _target.LookupTable.Sql;
        return await _sql.InTransactionAsync(async (c, tx, token) =>
        {
            await using (var lockCmd = new NpgsqlCommand($"LOCK TABLE {lookup} IN SHARE ROW EXCLUSIVE MODE", c, tx))
                await lockCmd.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            bool hasDefault;
            await using (var probe = SafeSqlRunner.Command(
                "SELECT a.attidentity <> '' OR a.atthasdef FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attname = $2", c, tx,
                _target.LookupTable.RegclassText, _target.LookupIdColumn))
                hasDefault = (bool)(await probe.ExecuteScalarAsync(token).ConfigureAwait(false) ?? false);
            var insert = hasDefault
                ? $"INSERT INTO {lookup} ({Code}) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM {lookup} WHERE {Code} = $1)"
                : $"INSERT INTO {lookup} ({Id}, {Code}) SELECT (SELECT coalesce(max({Id}), 0) + 1 FROM {lookup}), $1 WHERE NOT EXISTS (SELECT 1 FROM {lookup} WHERE {Code} = $1)";
            var added = 0;
            foreach (var code in codes.Order(StringComparer.Ordinal))
            {
                await using var cmd = SafeSqlRunner.Command(insert, c, tx, code);
                added += await cmd.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            return added;
        }, ct, description: $"add codes to {_target.LookupTable}").ConfigureAwait(false);
    }
}
