using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Transactions (running or idle in transaction) open longer than a threshold in this database: they stall concurrent
/// index builds and hold back vacuum. Each is named by pid, application_name and age; Switchyard's own are left out.
/// </summary>
public sealed class LongTransactionSignal : IGuardSignal
{
    private const string Sql = """
        SELECT pid, coalesce(application_name, ''), coalesce(state, ''),
               extract(epoch FROM clock_timestamp() - xact_start)::float8, left(coalesce(query, ''), 200)
        FROM pg_stat_activity
        WHERE datname = current_database()
          AND pid <> pg_backend_pid()
          AND backend_type = 'client backend'
          AND xact_start IS NOT NULL
          AND clock_timestamp() - xact_start >= make_interval(secs => $1)
          AND coalesce(application_name, '') NOT LIKE $2
        ORDER BY xact_start
        """;

    private readonly SafeSqlRunner _primary;
    private readonly TimeSpan _after;
    private readonly string _ownPrefix;

    public LongTransactionSignal(SafeSqlRunner primary, TimeSpan after, string ownPrefix)
    {
        _primary = primary;
        _after = after;
        _ownPrefix = ownPrefix;
    }

    public string Name => "long transactions";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.LongTransactionSeconds, SignalUnits.Seconds)];

    /// <summary>The sessions themselves, oldest first.</summary>
    public async Task<IReadOnlyList<SessionInfo>> SessionsAsync(CancellationToken ct) =>
        await _primary.QueryAsync(Sql, r => new SessionInfo(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetString(4)),
            ct, _after.TotalSeconds, LikePrefix(_ownPrefix)).ConfigureAwait(false);

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var sessions = await SessionsAsync(ct).ConfigureAwait(false);
        if (sessions.Count == 0)
        {
            return [new SignalReading(SignalNames.LongTransactionSeconds, "", 0, SignalUnits.Seconds,
                string.Create(CultureInfo.InvariantCulture, $"no transaction open longer than {_after.TotalSeconds:0.#}s"))];
        }
        return [.. sessions.Select(s => new SignalReading(SignalNames.LongTransactionSeconds,
            $"pid {s.Pid} ({(s.ApplicationName.Length > 0 ? s.ApplicationName : "no application_name")})",
            s.TransactionAgeSeconds, SignalUnits.Seconds, $"{s.State}: {s.Query}"))];
    }

    internal static string LikePrefix(string prefix) =>
        prefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
