namespace Switchyard.Core.Execution;

/// <summary>PostgreSQL table lock modes, weakest first.</summary>
public enum LockMode
{
    None = 0,
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

/// <summary>The conflict table from the PostgreSQL manual (explicit locking, table-level locks).</summary>
public static class LockModes
{
    private static readonly Dictionary<LockMode, LockMode[]> ConflictsWith = new()
    {
        [LockMode.None] = [],
        [LockMode.AccessShare] = [LockMode.AccessExclusive],
        [LockMode.RowShare] = [LockMode.Exclusive, LockMode.AccessExclusive],
        [LockMode.RowExclusive] = [LockMode.Share, LockMode.ShareRowExclusive, LockMode.Exclusive, LockMode.AccessExclusive],
        [LockMode.ShareUpdateExclusive] = [LockMode.ShareUpdateExclusive, LockMode.Share, LockMode.ShareRowExclusive, LockMode.Exclusive, LockMode.AccessExclusive],
        [LockMode.Share] = [LockMode.RowExclusive, LockMode.ShareUpdateExclusive, LockMode.ShareRowExclusive, LockMode.Exclusive, LockMode.AccessExclusive],
        [LockMode.ShareRowExclusive] = [LockMode.RowExclusive, LockMode.ShareUpdateExclusive, LockMode.Share, LockMode.ShareRowExclusive, LockMode.Exclusive, LockMode.AccessExclusive],
        [LockMode.Exclusive] = [LockMode.RowShare, LockMode.RowExclusive, LockMode.ShareUpdateExclusive, LockMode.Share, LockMode.ShareRowExclusive, LockMode.Exclusive, LockMode.AccessExclusive],
        [LockMode.AccessExclusive] = [LockMode.AccessShare, LockMode.RowShare, LockMode.RowExclusive, LockMode.ShareUpdateExclusive, LockMode.Share, LockMode.ShareRowExclusive, LockMode.Exclusive, LockMode.AccessExclusive],
    };

    public static IReadOnlyList<LockMode> Conflicting(LockMode mode) => ConflictsWith[mode];

    public static bool Conflicts(LockMode a, LockMode b) => ConflictsWith[a].Contains(b);

    /// <summary>The name <c>pg_locks.mode</c> uses, e.g. <c>AccessExclusiveLock</c>.</summary>
    public static string PgName(LockMode mode) => mode + "Lock";

    /// <summary>The name people write, e.g. <c>ACCESS EXCLUSIVE</c>.</summary>
    public static string SqlName(LockMode mode) => mode switch
    {
        LockMode.None => "none",
        LockMode.AccessShare => "ACCESS SHARE",
        LockMode.RowShare => "ROW SHARE",
        LockMode.RowExclusive => "ROW EXCLUSIVE",
        LockMode.ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
        LockMode.Share => "SHARE",
        LockMode.ShareRowExclusive => "SHARE ROW EXCLUSIVE",
        LockMode.Exclusive => "EXCLUSIVE",
        LockMode.AccessExclusive => "ACCESS EXCLUSIVE",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static LockMode FromPgName(string pgName) =>
        Enum.TryParse<LockMode>(pgName.EndsWith("Lock", StringComparison.Ordinal) ? pgName[..^4] : pgName, out var m) ? m : LockMode.None;
}
