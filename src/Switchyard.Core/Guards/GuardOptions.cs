namespace Switchyard.Core.Guards;

/// <summary>Which signals the guards read and how; the spec or config fills it, every field has a default.</summary>
public sealed record GuardOptions
{
    /// <summary>How often the signals are read again; between samples a batch gets the last decision.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Statement timeout for each signal query; a slower answer counts as unreadable.</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Standby connections (name → connection string to the same database on the standby) for the heartbeat.</summary>
    /// <value>The default is none: lag comes from pg_stat_replication only.</value>
    public IReadOnlyDictionary<string, string> StandbyConnections { get; init; } = new Dictionary<string, string>();

    /// <summary>Standbys (application_name) that must appear in pg_stat_replication; a missing one is unreadable lag.</summary>
    /// <value>The default is none beyond the <see cref="StandbyConnections"/> names and every standby seen once.</value>
    public IReadOnlyList<string> ExpectedStandbys { get; init; } = [];

    /// <summary>How long the heartbeat read waits for the standby to show the beat just written.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan HeartbeatWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Replication slots to watch; empty watches all.</summary>
    /// <value>The default is all slots.</value>
    public IReadOnlyList<string> Slots { get; init; } = [];

    /// <summary>A transaction open longer than this is reported by pid, application_name and age.</summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan LongTransactionAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>application_name prefix of Switchyard's own sessions (lock waits behind them; excluded from long transactions).</summary>
    /// <value>The default is "switchyard".</value>
    public string OwnApplicationPrefix { get; init; } = "switchyard";

    /// <summary>The canary probe; null turns it off.</summary>
    /// <value>The default is null (off): a probe writes, so it is asked for explicitly.</value>
    public CanaryOptions? Canary { get; init; }

    /// <summary>Measure WAL generated per second.</summary>
    /// <value>The default is true (observe only unless a rule is set).</value>
    public bool WalRate { get; init; } = true;

    /// <summary>The migrated table (schema.table) whose dead tuples and autovacuum are reported; null skips it.</summary>
    /// <value>The default is null.</value>
    public string? Table { get; init; }

    /// <summary>Read the compat library's dual-read mismatch table when it exists.</summary>
    /// <value>The default is true.</value>
    public bool MismatchRate { get; init; } = true;

    /// <summary>Reads below this count make a mismatch rate too noisy to act on.</summary>
    /// <value>The default is 100.</value>
    public long MismatchMinReads { get; init; } = 100;

    /// <summary>Only app instances that published dual-read figures within this window count.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan MismatchWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Rules by signal name overriding <see cref="GuardRules.Defaults"/>.</summary>
    /// <value>The default is no overrides.</value>
    public IReadOnlyDictionary<string, GuardRule> Rules { get; init; } = new Dictionary<string, GuardRule>();

    /// <summary>A runner for signal queries: one attempt, bounded by <see cref="ReadTimeout"/>, so a stuck signal is unreadable, not slow.</summary>
    public Execution.SafeSqlRunner ReaderFor(Npgsql.NpgsqlDataSource dataSource, TimeProvider? time = null) =>
        new(dataSource, new Execution.SafeSqlOptions { MaxAttempts = 1, LockTimeout = ReadTimeout, StatementTimeout = ReadTimeout }, time: time);

    public void Validate()
    {
        if (SampleInterval < TimeSpan.Zero) throw new SwitchyardException("Guard sample interval must not be negative.");
        if (ReadTimeout <= TimeSpan.Zero) throw new SwitchyardException("Guard read timeout must be positive.");
        foreach (var (signal, rule) in Rules)
        {
            if (!GuardRules.Defaults.ContainsKey(signal))
                throw new SwitchyardException($"Unknown guard signal '{signal}'.", "Known signals: " + string.Join(", ", GuardRules.Defaults.Keys) + ".");
            rule.Validate(signal);
        }
        Canary?.Validate();
    }
}
