using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// WAL each replication slot keeps (<c>pg_replication_slots</c>): a CDC consumer that falls behind the backfill makes
/// it grow, and the primary's disk with it. A lost slot (WAL already removed) is unreadable: its consumer is broken.
/// </summary>
public sealed class ReplicationSlotSignal : IGuardSignal
{
    private const string Sql = """
        SELECT slot_name::text, slot_type, active, coalesce(wal_status, ''),
               pg_wal_lsn_diff(pg_current_wal_insert_lsn(), restart_lsn)::float8,
               pg_wal_lsn_diff(pg_current_wal_insert_lsn(), confirmed_flush_lsn)::float8
        FROM pg_replication_slots
        WHERE cardinality($1::text[]) = 0 OR slot_name = ANY($1::text[])
        ORDER BY slot_name
        """;

    private readonly SafeSqlRunner _primary;
    private readonly string[] _slots;

    public ReplicationSlotSignal(SafeSqlRunner primary, IReadOnlyList<string> slots)
    {
        _primary = primary;
        _slots = [.. slots];
    }

    public string Name => "replication slots";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.SlotRetainedBytes, SignalUnits.Bytes)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var rows = await _primary.QueryAsync(Sql,
            r => (Name: r.GetString(0), Type: r.GetString(1), Active: r.GetBoolean(2), WalStatus: r.GetString(3),
                  Retained: r.IsDBNull(4) ? (double?)null : r.GetDouble(4), Flush: r.IsDBNull(5) ? (double?)null : r.GetDouble(5)),
            ct, (object)_slots).ConfigureAwait(false);
        var readings = new List<SignalReading>();
        foreach (var row in rows)
        {
            var subject = $"slot {row.Name}";
            if (row.Retained is null || row.WalStatus == "lost")
            {
                readings.Add(SignalReading.Unreadable(SignalNames.SlotRetainedBytes, subject, SignalUnits.Bytes,
                    $"{row.Type} slot '{row.Name}' has no restart position (wal_status {row.WalStatus}): its consumer cannot continue"));
                continue;
            }
            var flush = row.Flush is { } f ? $", confirmed_flush lag {SignalUnits.Format(Math.Max(0, f), SignalUnits.Bytes)}" : "";
            readings.Add(new SignalReading(SignalNames.SlotRetainedBytes, subject, Math.Max(0, row.Retained.Value), SignalUnits.Bytes,
                $"{row.Type}, {(row.Active ? "active" : "no consumer connected")}{flush}"));
        }
        foreach (var missing in _slots.Where(s => rows.All(r => r.Name != s)))
            readings.Add(SignalReading.Unreadable(SignalNames.SlotRetainedBytes, $"slot {missing}", SignalUnits.Bytes, $"slot '{missing}' does not exist"));
        if (readings.Count == 0)
            readings.Add(new SignalReading(SignalNames.SlotRetainedBytes, "", 0, SignalUnits.Bytes, "no replication slots"));
        return readings;
    }
}
