using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Lag of each streaming standby as the primary sees it (<c>pg_stat_replication</c>): unreplayed WAL bytes and
/// replay_lag. A standby that was expected or seen before and is no longer connected cannot be read: fail closed.
/// </summary>
public sealed class ReplicationLagSignal : IGuardSignal
{
    private const string Sql = """
        SELECT coalesce(application_name, ''), coalesce(state, ''),
               pg_wal_lsn_diff(pg_current_wal_insert_lsn(), replay_lsn)::float8,
               coalesce(extract(epoch FROM replay_lag), 0)::float8,
               coalesce(client_addr::text, 'local socket')
        FROM pg_stat_replication
        ORDER BY application_name
        """;

    private readonly SafeSqlRunner _primary;
    private readonly HashSet<string> _expected;
    private readonly object _gate = new();

    public ReplicationLagSignal(SafeSqlRunner primary, IEnumerable<string> expectedStandbys)
    {
        _primary = primary;
        _expected = new HashSet<string>(expectedStandbys, StringComparer.Ordinal);
    }

    public string Name => "replication lag";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } =
        [(SignalNames.ReplicationLagBytes, SignalUnits.Bytes), (SignalNames.ReplicationLagSeconds, SignalUnits.Seconds)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var rows = await _primary.QueryAsync(Sql,
            r => (Name: r.GetString(0), State: r.GetString(1), Bytes: r.IsDBNull(2) ? (double?)null : r.GetDouble(2), Seconds: r.GetDouble(3), Client: r.GetString(4)),
            ct).ConfigureAwait(false);
        var readings = new List<SignalReading>();
        string[] expected;
        lock (_gate)
        {
            foreach (var row in rows) _expected.Add(row.Name);
            expected = [.. _expected];
        }
        foreach (var row in rows)
        {
            var subject = "standby " + row.Name;
            if (row.Bytes is null || row.State != "streaming")
            {
                var why = $"standby '{row.Name}' is {row.State} and reports no replay position";
                readings.Add(SignalReading.Unreadable(SignalNames.ReplicationLagBytes, subject, SignalUnits.Bytes, why));
                continue;
            }
            var detail = $"{row.State} from {row.Client}";
            readings.Add(new SignalReading(SignalNames.ReplicationLagBytes, subject, Math.Max(0, row.Bytes.Value), SignalUnits.Bytes, detail));
            readings.Add(new SignalReading(SignalNames.ReplicationLagSeconds, subject, row.Seconds, SignalUnits.Seconds, detail));
        }
        foreach (var missing in expected.Where(e => rows.All(r => r.Name != e)).Order(StringComparer.Ordinal))
        {
            readings.Add(SignalReading.Unreadable(SignalNames.ReplicationLagBytes, "standby " + missing, SignalUnits.Bytes,
                $"standby '{missing}' is not connected to the primary (absent from pg_stat_replication)"));
        }
        if (readings.Count == 0)
            readings.Add(new SignalReading(SignalNames.ReplicationLagBytes, "", 0, SignalUnits.Bytes, "no standby connected or expected"));
        return readings;
    }
}
