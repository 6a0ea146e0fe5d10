namespace Switchyard.Core.Execution;

/// <summary>One DDL statement and the table locks it takes; run alone, never batched with another.</summary>
/// <param name="Sql">Exactly one SQL statement.</param>
/// <param name="FollowedBy">
/// Statements that must commit with it or not at all (a swap: drop, rename): each runs as its own command after
/// <paramref name="Sql"/>, in the same transaction, under the same timeouts.
/// </param>
/// <param name="Locks">Tables and the lock mode the statement takes on each (empty for new objects).</param>
/// <param name="Concurrently">True for <c>CREATE/DROP INDEX CONCURRENTLY</c> and friends: run outside any transaction.</param>
/// <param name="RepairBeforeRetry">Statement run (outside a transaction) before a retry, e.g. dropping the INVALID index a failed concurrent build left.</param>
/// <param name="Parameters">Values bound to <c>$1</c>, <c>$2</c>, … (a spec's codes, aliases, seed rows): values are data, never SQL text.</param>
public sealed record DdlStatement(string Sql, IReadOnlyList<TableLock> Locks, bool Concurrently = false, string? RepairBeforeRetry = null, IReadOnlyList<object?>? Parameters = null,
    IReadOnlyList<string>? FollowedBy = null)
{
    /// <summary>Every statement it runs, for people and the journal: "a; b; c".</summary>
    public string Text => FollowedBy is null or [] ? Sql : string.Join("; ", [Sql, .. FollowedBy]);

    /// <summary>Statements that commit together, each its own command; the locks are those the statements take.</summary>
    public static DdlStatement Together(IReadOnlyList<TableLock> locks, params string[] statements) =>
        new(statements[0], locks, FollowedBy: statements[1..]);

    public static DdlStatement On(QualifiedName table, LockMode mode, string sql) => new(sql, [new TableLock(table, mode)]);
}

/// <summary>A table and the lock mode a statement needs on it.</summary>
public sealed record TableLock(QualifiedName Table, LockMode Mode);

/// <summary>What it took to run a statement: attempts made and who was waited for.</summary>
public sealed record StatementOutcome(int Attempts, TimeSpan WaitedForHolders, IReadOnlyList<BlockingSession> HoldersWaitedFor, TimeSpan Duration);

/// <summary>Timeouts for one transaction; null falls back to <see cref="SafeSqlOptions"/>.</summary>
public sealed record TransactionTimeouts(TimeSpan? LockTimeout = null, TimeSpan? StatementTimeout = null)
{
    /// <summary>A proof that reads the whole table (a gate's count): the lock timeout stays short, the scan gets an hour.</summary>
    public static TransactionTimeouts FullScan { get; } = new(StatementTimeout: TimeSpan.FromHours(1));
}

/// <summary>A text value bound with no declared type, so PostgreSQL reads it as the column it goes into (a seed row's value).</summary>
public sealed record UntypedText(string Value);
