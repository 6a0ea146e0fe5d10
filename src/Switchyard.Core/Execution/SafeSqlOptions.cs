namespace Switchyard.Core.Execution;

/// <summary>Timeouts and retry bounds for every transaction the engine opens.</summary>
public sealed record SafeSqlOptions
{
    /// <summary>How long one attempt may wait in the lock queue (a DDL statement's first attempts wait less: <see cref="DdlLockTimeout"/>).</summary>
    /// <value>The default is 200 ms.</value>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The lock_timeout of a DDL statement's attempt: a quarter of <see cref="LockTimeout"/> first, half on the second,
    /// all of it from the third. While a DDL statement waits in the lock queue every payment on its table waits behind
    /// it; a holder that started between the conflict gate's look and the lock request (a report just begun) would
    /// otherwise stall them for the whole timeout before the retry.
    /// </summary>
    public TimeSpan DdlLockTimeout(int attempt) => attempt >= 3 ? LockTimeout : LockTimeout / (1 << (3 - Math.Max(1, attempt)));

    /// <summary>The longest all of a DDL statement's attempts together may wait in the lock queue.</summary>
    public TimeSpan DdlLockWaitBudget => TimeSpan.FromTicks(Enumerable.Range(1, MaxAttempts).Sum(a => DdlLockTimeout(a).Ticks));

    /// <summary>
    /// The ramp of <see cref="DdlLockTimeout"/> for runbooks and messages, with the attempts it covers, e.g.
    /// "50/100/200 ms (first, second, later attempts)"; fewer attempts than the ramp's three name only theirs.
    /// </summary>
    public string DdlLockTimeoutText
    {
        get
        {
            var ms = string.Join("/", Enumerable.Range(1, Math.Min(3, MaxAttempts))
                .Select(a => DdlLockTimeout(a).TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)));
            var attempts = MaxAttempts switch { 1 => "one attempt", 2 => "first, second attempt", 3 => "first, second, third attempt", _ => "first, second, later attempts" };
            return $"{ms} ms ({attempts})";
        }
    }

    /// <summary>The longest a DDL statement (or a transaction's statement) may run.</summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many attempts a statement gets on lock timeout, deadlock, serialization failure or lost connection.</summary>
    /// <value>The default is 8; the last failure is raised, never ignored.</value>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>First backoff delay; doubled per attempt with jitter.</summary>
    /// <value>The default is 100 ms.</value>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest single backoff delay.</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a DDL statement waits, outside the lock queue, for conflicting lock holders to go away.</summary>
    /// <value>The default is 2 minutes; then the step fails naming the holders.</value>
    public TimeSpan ConflictWaitBudget { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the conflict gate re-reads <c>pg_locks</c> while waiting.</summary>
    /// <value>The default is 50 ms.</value>
    public TimeSpan ConflictPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Holders the conflict gate does not wait for: a statement that has been running in its transaction for less than
    /// this is most likely a short OLTP statement that ends well within <see cref="LockTimeout"/>, so the DDL may queue
    /// behind it. On a busy table there is always such a holder, and waiting for none at all could take the whole
    /// budget. Sessions idle in a transaction and sessions themselves waiting for a lock are always waited for.
    /// Zero waits for every holder.
    /// </summary>
    /// <value>
    /// The default is 25 ms: a payments statement is done well within it. At 100 ms, a 300 ms report seen 50 ms into its
    /// scan passed for short; the NOT NULL check queued behind it for its whole 200 ms lock_timeout, and every payment
    /// queued behind the check (measured in the demo: authorization p99 247 ms in that phase).
    /// </value>
    public TimeSpan ShortHolderGrace { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Statement timeout for <c>CONCURRENTLY</c> builds, which legitimately run long.</summary>
    /// <value>The default is 2 hours.</value>
    public TimeSpan ConcurrentStatementTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// How many extra server processes one of the engine's heavy statements may add beside the application:
    /// <c>max_parallel_maintenance_workers</c> for its DDL (index builds, concurrent or not) and
    /// <c>max_parallel_workers_per_gather</c> for its whole-table counts (<see cref="SafeSqlRunner.CountScanAsync"/>, the
    /// row-proof gates). A parallel statement finishes sooner but takes that many more cores from the payments while it
    /// runs; 0 keeps it to one. Null leaves the server's settings (2 by default).
    /// </summary>
    /// <value>The default is null.</value>
    public int? ParallelWorkers { get; init; }

    public void Validate()
    {
        if (LockTimeout <= TimeSpan.Zero) throw new SwitchyardException("lock_timeout must be positive: a DDL statement without it can freeze the table.", "Set a lock timeout such as 200ms.");
        if (StatementTimeout <= TimeSpan.Zero) throw new SwitchyardException("statement_timeout must be positive.");
        if (ShortHolderGrace < TimeSpan.Zero) throw new SwitchyardException($"the short-holder grace must be zero or more, got {ShortHolderGrace}.", "Use 0 to wait for every conflicting holder.");
        if (ParallelWorkers is < 0 or > 64) throw new SwitchyardException($"parallel workers must be between 0 and 64, got {ParallelWorkers}.", "Use 0 to run each index build or count in one process.");
        if (MaxAttempts is < 1 or > 1000) throw new SwitchyardException($"max attempts must be between 1 and 1000, got {MaxAttempts}.");
    }
}
