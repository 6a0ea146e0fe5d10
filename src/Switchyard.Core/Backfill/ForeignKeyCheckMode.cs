using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Backfill;

/// <summary>
/// Whether a backfill's batches skip the per-row check of the foreign key on the column they fill. That check
/// (a <c>SELECT … FOR KEY SHARE</c> on the lookup row per updated row) costs about half of a heap-only update, and
/// proves nothing Validate does not prove again: the key is NOT VALID until Validate's VALIDATE CONSTRAINT reads
/// every row. Batches skip it with <c>session_replication_role = replica</c>, which also skips every other ordinary
/// trigger and rule, so it is used only when there is nothing else to skip.
/// </summary>
/// <param name="Deferred">True when batches run with <c>session_replication_role = replica</c>.</param>
/// <param name="Reason">Why, for the journal and the run's start event.</param>
public sealed record ForeignKeyCheckMode(bool Deferred, string Reason)
{
    public static ForeignKeyCheckMode Kept(string reason) => new(false, "per-row foreign key checks kept: " + reason);

    /// <summary>For a batch whose triggers are the point of it (a touch): nothing to decide, nothing to journal.</summary>
    public static readonly ForeignKeyCheckMode NotApplicable = Kept("the batch's triggers are the point of it") with { Decided = false };

    /// <summary>True when <see cref="DecideAsync"/> weighed the table's keys, triggers and rules (the run journals the verdict).</summary>
    public bool Decided { get; init; } = true;

    /// <summary>
    /// Defers only when all hold, on the table and every partition: a foreign key on the filled column exists and none
    /// is validated; no enabled trigger but this migration's own dual-write trigger and foreign-key triggers (an
    /// audit trigger must still fire); no rule; and the role may set <c>session_replication_role</c>.
    /// </summary>
    /// <param name="ownTrigger">The migration's dual-write trigger on the table, which stands aside for batches anyway.</param>
    internal static async Task<ForeignKeyCheckMode> DecideAsync(SafeSqlRunner sql, IBackfillTarget target, string filledColumn, string ownTrigger, CancellationToken ct)
    {
        var found = await sql.QueryAsync("""
            WITH rels AS (SELECT $1::regclass AS relid UNION SELECT relid FROM pg_partition_tree($1::regclass)),
            keys AS (
                SELECT c.convalidated
                FROM pg_constraint c JOIN rels ON c.conrelid = rels.relid
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = $3 AND a.attnum = ANY (c.conkey)
                WHERE c.contype = 'f')
            SELECT
                (SELECT count(*) FROM keys WHERE NOT convalidated),
                (SELECT count(*) FROM keys WHERE convalidated),
                (SELECT string_agg(format('%I on %s', g.tgname, g.tgrelid::regclass), ', ' ORDER BY g.tgname)
                 FROM pg_trigger g JOIN rels ON g.tgrelid = rels.relid
                 WHERE g.tgenabled <> 'D' AND g.tgname <> $2
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.oid = g.tgconstraint AND k.contype = 'f')),
                (SELECT string_agg(format('%I on %s', r.rulename, r.ev_class::regclass), ', ' ORDER BY r.rulename)
                 FROM pg_rewrite r JOIN rels ON r.ev_class = rels.relid)
            """, r => (NotValid: r.GetInt64(0), Validated: r.GetInt64(1), Triggers: r.IsDBNull(2) ? null : r.GetString(2), Rules: r.IsDBNull(3) ? null : r.GetString(3)),
            ct, target.Table.RegclassText, ownTrigger, filledColumn).ConfigureAwait(false);
        var (notValid, validated, triggers, rules) = found[0];
        if (notValid == 0) return Kept($"no NOT VALID foreign key on {target.Filled}");
        if (validated > 0) return Kept($"a validated foreign key on {target.Filled} must hold for every row written");
        if (triggers is not null) return Kept($"other triggers must still fire: {triggers}");
        if (rules is not null) return Kept($"rules must still apply: {rules}");
        try
        {
            // SET LOCAL in a transaction of its own: it ends with it. PostgreSQL 15 lets a superuser, or a role granted
            // SET ON PARAMETER session_replication_role, set it.
            await sql.ScalarAsync<string>("SELECT set_config('session_replication_role', 'replica', true)", ct).ConfigureAwait(false);
        }
        catch (SqlFailedException e) when (e.SqlState == "42501")
        {
            return Kept("this role may not set session_replication_role (GRANT SET ON PARAMETER session_replication_role lets it)");
        }
        return new(true, $"per-row foreign key checks of {target.Filled} deferred to Validate's VALIDATE CONSTRAINT (session_replication_role = replica in each batch; no other trigger or rule on the table)");
    }
}
