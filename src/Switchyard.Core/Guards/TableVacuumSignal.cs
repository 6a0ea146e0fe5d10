using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>Dead tuples of the migrated table (a backfill makes one per updated row) and whether autovacuum is on it now.</summary>
public sealed class TableVacuumSignal : IGuardSignal
{
    private const string Sql = """
        SELECT s.n_dead_tup::float8, s.n_live_tup::float8,
               coalesce((SELECT p.phase FROM pg_stat_progress_vacuum p WHERE p.relid = s.relid LIMIT 1), ''),
               coalesce(to_char(s.last_autovacuum, 'YYYY-MM-DD HH24:MI:SS'), 'never')
        FROM pg_stat_user_tables s
        WHERE s.relid = to_regclass($1)
        """;

    private readonly SafeSqlRunner _primary;
    private readonly string _table;

    public TableVacuumSignal(SafeSqlRunner primary, string table)
    {
        _primary = primary;
        _table = table;
    }

    public string Name => $"vacuum of {_table}";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.DeadTupleFraction, SignalUnits.Fraction)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var rows = await _primary.QueryAsync(Sql, r => (Dead: r.GetDouble(0), Live: r.GetDouble(1), Phase: r.GetString(2), Last: r.GetString(3)), ct, _table)
            .ConfigureAwait(false);
        if (rows.Count == 0)
            return [SignalReading.Unreadable(SignalNames.DeadTupleFraction, _table, SignalUnits.Fraction, $"table {_table} not found")];
        var (dead, live, phase, last) = rows[0];
        var vacuum = phase.Length > 0 ? $"autovacuum running ({phase})" : $"no vacuum running; last autovacuum {last}";
        return [new SignalReading(SignalNames.DeadTupleFraction, _table, dead / Math.Max(1, live), SignalUnits.Fraction, $"{dead:0} dead of {live:0} live; {vacuum}")];
    }
}
