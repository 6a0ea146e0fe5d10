using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>Applies the rule catalog to one statement, in file order, updating what the context knows.</summary>
public static class StatementRules
{
    private static readonly string[] SessionSettingStarts = ["set", "reset", "select"];

    public static IReadOnlyList<LintFinding> Evaluate(SqlStatement statement, LintContext context)
    {
        var findings = new List<LintFinding>();
        var t = new TokenSpan(statement.Tokens);
        var takesTableLock = false;

        if (statement.IsTransactionControl)
        {
            var closes = statement.StartsWith("commit") || statement.StartsWith("end") || statement.StartsWith("abort") ||
                         statement.StartsWith("prepare", "transaction") || (statement.StartsWith("rollback") && !t.Contains("to"));
            if (closes) context.TransactionBlockEnded();
            return findings;
        }
        if (SessionSettingStarts.Contains(t[0].Value)) TrackTimeouts(t, statement, context);
        DroppedObjects.Track(statement, t, context);

        if (statement.StartsWith("create")) takesTableLock = CreateStatement(statement, t, context, findings);
        else if (statement.StartsWith("drop", "index")) takesTableLock = DropIndex(statement, t, findings);
        else if (statement.StartsWith("reindex")) takesTableLock = Reindex(statement, t, findings);
        else if (statement.StartsWith("vacuum")) takesTableLock = Vacuum(statement, t, findings);
        else if (statement.StartsWith("cluster"))
        {
            findings.Add(LintFinding.For(LintRules.TableRewriteMaintenance, statement, "CLUSTER rewrites the table under ACCESS EXCLUSIVE."));
            takesTableLock = true;
        }
        else if (statement.StartsWith("alter", "table")) takesTableLock = AlterTableRules.Evaluate(statement, t, context, findings);
        else if (statement.StartsWith("truncate")) takesTableLock = WholeTableStatements.Truncate(statement, t, context, findings);
        else if (statement.StartsWith("lock")) takesTableLock = WholeTableStatements.Lock(statement, t, context, findings);
        else if (statement.StartsWith("refresh", "materialized", "view")) takesTableLock = WholeTableStatements.Refresh(statement, t, findings);
        else if (statement.StartsWith("update") || statement.StartsWith("delete", "from")) WholeTableStatements.Dml(statement, t, context, findings);
        else if (statement.StartsWith("drop", "table") || statement.StartsWith("drop", "trigger") || statement.StartsWith("alter", "index") ||
                 statement.StartsWith("drop", "materialized", "view"))
        {
            takesTableLock = true;
        }

        if (takesTableLock)
        {
            if (!context.HasLockTimeout && !context.LockTimeoutReported)
            {
                context.LockTimeoutReported = true;
                findings.Add(LintFinding.For(LintRules.MissingLockTimeout, statement,
                    "This statement takes a table lock and no lock_timeout is set before it: it can queue every reader and writer behind a long transaction."));
            }
            if (!context.HasStatementTimeout && !context.StatementTimeoutReported)
            {
                context.StatementTimeoutReported = true;
                findings.Add(LintFinding.For(LintRules.MissingStatementTimeout, statement,
                    "This statement takes a table lock and no statement_timeout is set before it."));
            }
        }
        return findings;
    }

    private static void TrackTimeouts(TokenSpan t, SqlStatement statement, LintContext context)
    {
        if (t.Is(0, "reset", "all"))
        {
            context.LockTimeoutSession = context.StatementTimeoutSession = false;
            return;
        }
        if (t.Is(0, "reset"))
        {
            if (t.Is(1, "lock_timeout")) context.LockTimeoutSession = false;
            if (t.Is(1, "statement_timeout")) context.StatementTimeoutSession = false;
            return;
        }
        if (t.Is(0, "set"))
        {
            var local = t.Is(1, "local");
            var i = t.Skip(t.Skip(1, "local"), "session");
            if (i >= t.Count) return;
            var name = t[i].Value;
            var value = i + 2 < t.Count ? t[i + 2].Value.Trim('\'') : "";
            Apply(name, value, local, statement.InTransactionBlock, context);
            return;
        }
        // SELECT set_config('lock_timeout', '200ms', true|false)
        for (var i = 0; i + 6 < t.Count; i++)
        {
            if (!t.Is(i, "set_config") || !t[i + 1].IsSymbol("(")) continue;
            var name = t[i + 2].Value.Trim('\'');
            var value = t[i + 4].Value.Trim('\'');
            Apply(name, value, t[i + 6].Is("true"), statement.InTransactionBlock, context);
        }
    }

    private static void Apply(string name, string value, bool local, bool inBlock, LintContext context)
    {
        var on = value is not ("0" or "default" or "");
        // SET LOCAL outside a transaction block has no effect (PostgreSQL only warns).
        if (local && !inBlock) return;
        if (name == "lock_timeout")
        {
            if (local) context.LockTimeoutLocal = on;
            else context.LockTimeoutSession = on;
        }
        else if (name == "statement_timeout")
        {
            if (local) context.StatementTimeoutLocal = on;
            else context.StatementTimeoutSession = on;
        }
    }

    private static bool CreateStatement(SqlStatement statement, TokenSpan t, LintContext context, List<LintFinding> findings)
    {
        var i = t.Skip(1, "or", "replace");
        while (i < t.Count && t[i].Value is "global" or "local" or "temp" or "temporary" or "unlogged") i++;
        if (t.Is(i, "table"))
        {
            var at = t.Skip(i + 1, "if", "not", "exists");
            if (t.ReadName(ref at) is { } created) context.TableCreated(created);
            return false;
        }
        var unique = t.Is(i, "unique");
        if (unique) i++;
        if (t.Is(i, "index"))
        {
            var concurrently = t.Is(i + 1, "concurrently");
            var on = t.Find(i, "on");
            if (on < 0) return false;
            var at = t.Skip(on + 1, "only");
            var table = t.ReadName(ref at);
            if (concurrently)
            {
                if (statement.InTransactionBlock)
                    findings.Add(ConcurrentlyInBlock(statement, "CREATE INDEX CONCURRENTLY"));
                return false;
            }
            if (table is null || context.IsNewTable(table)) return false;
            findings.Add(LintFinding.For(LintRules.IndexWithoutConcurrently, statement,
                $"CREATE {(unique ? "UNIQUE " : "")}INDEX on {table} without CONCURRENTLY blocks writes to {table} for the whole build.", table.ToString()));
            return true;
        }
        if (t.Is(i, "trigger") || t.Is(i, "constraint", "trigger") || t.Is(i, "rule"))
        {
            var on = t.Find(i, "on");
            var at = on + 1;
            return on >= 0 && t.ReadName(ref at) is { } table && !context.IsNewTable(table);
        }
        return false;
    }

    private static bool DropIndex(SqlStatement statement, TokenSpan t, List<LintFinding> findings)
    {
        if (t.Is(2, "concurrently"))
        {
            if (statement.InTransactionBlock) findings.Add(ConcurrentlyInBlock(statement, "DROP INDEX CONCURRENTLY"));
            return false;
        }
        var at = t.Skip(2, "if", "exists");
        var index = t.ReadName(ref at);
        findings.Add(LintFinding.For(LintRules.DropIndexWithoutConcurrently, statement,
            $"DROP INDEX {index} without CONCURRENTLY takes ACCESS EXCLUSIVE on its table."));
        return true;
    }

    private static bool Reindex(SqlStatement statement, TokenSpan t, List<LintFinding> findings)
    {
        var concurrently = t.Contains("concurrently");
        if (concurrently)
        {
            if (statement.InTransactionBlock) findings.Add(ConcurrentlyInBlock(statement, "REINDEX CONCURRENTLY"));
            return false;
        }
        findings.Add(LintFinding.For(LintRules.ReindexWithoutConcurrently, statement, "REINDEX without CONCURRENTLY blocks writes while it rebuilds."));
        return true;
    }

    private static bool Vacuum(SqlStatement statement, TokenSpan t, List<LintFinding> findings)
    {
        var full = t.Is(1, "full");
        if (t.Count > 1 && t[1].IsSymbol("("))
        {
            for (var i = 2; i < t.Count && !t[i].IsSymbol(")"); i++)
            {
                if (t[i].Is("full") && !(i + 1 < t.Count && t[i + 1].Value is "false" or "off" or "0")) full = true;
            }
        }
        if (!full) return false;
        findings.Add(LintFinding.For(LintRules.TableRewriteMaintenance, statement, "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE."));
        return true;
    }

    internal static LintFinding ConcurrentlyInBlock(SqlStatement statement, string what) =>
        LintFinding.For(LintRules.ConcurrentlyInTransaction, statement,
            statement.DoBlockLine is { } doLine
                ? $"{what} inside the DO block at line {doLine}: a DO body runs as one transaction and PostgreSQL refuses it (ERROR: cannot be executed from a function)."
                : $"{what} inside the transaction block opened at line {statement.TransactionBlockLine}: PostgreSQL refuses it (ERROR: cannot run inside a transaction block).");
}
