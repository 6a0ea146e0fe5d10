using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>The rules for <c>ALTER TABLE</c>: each comma-separated action is judged on its own.</summary>
internal static class AlterTableRules
{
    private static readonly HashSet<string> VolatileFunctions =
    [
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp",
        "timeofday", "nextval", "txid_current", "pg_current_xact_id", "setseed", "random_normal",
    ];

    private static readonly HashSet<string> StableTimeDefaults =
    [
        "now", "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime", "transaction_timestamp", "statement_timestamp",
    ];

    private static readonly HashSet<string> SerialTypes = ["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"];

    private static readonly string[] ColumnConstraintWords =
        ["not", "null", "constraint", "check", "unique", "primary", "references", "generated", "collate", "default", "deferrable", "initially"];

    /// <summary>Returns true when the statement locks an existing table (so it needs lock_timeout).</summary>
    public static bool Evaluate(SqlStatement statement, TokenSpan t, LintContext context, List<LintFinding> findings)
    {
        var i = t.Skip(t.Skip(2, "if", "exists"), "only");
        var table = t.ReadName(ref i);
        if (table is null) return false;
        if (i < t.Count && t[i].IsSymbol("*")) i++;
        var isNew = context.IsNewTable(table);
        foreach (var action in t.SplitOnCommas(i))
        {
            if (action.Count == 0) continue;
            if (action.Is(0, "validate", "constraint") && action.Count > 2)
            {
                context.ConstraintValidated(action[2].Value);
                continue;
            }
            if (action.Is(0, "detach", "partition") && action.Contains("concurrently") && statement.InTransactionBlock)
                findings.Add(StatementRules.ConcurrentlyInBlock(statement, "DETACH PARTITION CONCURRENTLY"));
            if (!isNew && RewritingSet(action) is { } what)
                findings.Add(LintFinding.For(LintRules.TableRewriteStatement, statement,
                    $"ALTER TABLE {table} {what} writes a new copy of {table} and its indexes under ACCESS EXCLUSIVE.", table.ToString()));
            if (action.Is(0, "add")) Add(statement, action, table, isNew, context, findings);
            else if (!isNew && action.Is(0, "alter")) AlterColumn(statement, action, table, context, findings);
            else if (!isNew && action.Is(0, "drop")) DropColumn(statement, action, table, findings);
            else if (!isNew && action.Is(0, "rename")) Rename(statement, action, table, findings);
        }
        return !isNew;
    }

    private static void Add(SqlStatement statement, TokenSpan a, QualifiedName table, bool isNew, LintContext context, List<LintFinding> findings)
    {
        var i = 1;
        string? constraintName = null;
        if (a.Is(i, "constraint") && i + 1 < a.Count)
        {
            constraintName = a[i + 1].Value;
            i += 2;
        }
        var notValid = a.EndsWith("not", "valid");
        if (a.Is(i, "check"))
        {
            if (IsNotNullCheck(a, i + 1) is { } checkedColumn)
                context.NotNullCheckAdded(constraintName ?? $"{table.Name}_{checkedColumn}_check", table, checkedColumn, validated: !notValid);
            if (!notValid && !isNew)
                findings.Add(LintFinding.For(LintRules.CheckWithoutNotValid, statement,
                    $"ADD CHECK on {table} without NOT VALID scans {table} under ACCESS EXCLUSIVE.", table.ToString()));
            return;
        }
        if (a.Is(i, "foreign", "key"))
        {
            if (notValid || isNew) return;
            var at = a.Find(i, "references") + 1;
            var referenced = at > 0 ? a.ReadName(ref at) : null;
            findings.Add(LintFinding.For(LintRules.ForeignKeyWithoutNotValid, statement,
                $"ADD FOREIGN KEY on {table} without NOT VALID takes SHARE ROW EXCLUSIVE on {table}{(referenced is null ? "" : $" and {referenced}")} and scans {table}.", table.ToString()));
            return;
        }
        if (a.Is(i, "unique") || a.Is(i, "primary", "key") || a.Is(i, "exclude"))
        {
            if (isNew || a.Contains("using", "index")) return;
            var kind = a.Is(i, "unique") ? "UNIQUE" : a.Is(i, "exclude") ? "EXCLUDE" : "PRIMARY KEY";
            findings.Add(LintFinding.For(LintRules.UniqueWithoutIndex, statement,
                $"ADD {kind} on {table} builds its index while holding ACCESS EXCLUSIVE on {table}.", table.ToString()));
            return;
        }
        if (isNew) return;
        i = a.Skip(a.Skip(i, "column"), "if", "not", "exists");
        if (i >= a.Count) return;
        var column = a[i].Value;
        var rest = new TokenSpan([.. a.Tokens.Skip(i + 1)]);
        AddColumn(statement, rest, table, column, findings);
    }

    private static void AddColumn(SqlStatement statement, TokenSpan rest, QualifiedName table, string column, List<LintFinding> findings)
    {
        var typeWord = rest.Count > 0 ? rest[0].Value : "";
        var defaultAt = rest.Find(0, "default");
        var defaultExpr = defaultAt >= 0 ? rest.Until(defaultAt + 1, ColumnConstraintWords) : new TokenSpan([]);
        var generatedStored = rest.Find(0, "generated") >= 0 && rest.EndsWith("stored");
        var identity = rest.Contains("as", "identity");
        var volatileCalls = defaultExpr.CalledFunctions().Where(VolatileFunctions.Contains).Distinct().ToList();
        var where = $"{table}.{column}";

        if (SerialTypes.Contains(typeWord) || identity || generatedStored || volatileCalls.Count > 0)
        {
            var why = SerialTypes.Contains(typeWord) ? $"type {typeWord} (a nextval() default)"
                : identity ? "an identity column (nextval() per row)"
                : generatedStored ? "a stored generated column"
                : $"the volatile default {string.Join(", ", volatileCalls.Select(f => f + "()"))}";
            findings.Add(LintFinding.For(LintRules.VolatileDefault, statement,
                $"ADD COLUMN {where} with {why} rewrites {table} and all its indexes under ACCESS EXCLUSIVE.", table.ToString(), column));
        }
        else if (defaultExpr.Tokens.Any(tok => tok.Kind == SqlTokenKind.Word && StableTimeDefaults.Contains(tok.Value)))
        {
            findings.Add(LintFinding.For(LintRules.StableDefaultFrozen, statement,
                $"ADD COLUMN {where} DEFAULT {defaultExpr.Text}: no rewrite, but every existing row gets the same value (the ALTER's transaction time).", table.ToString(), column));
        }

        var notNull = rest.Find(0, "not", "null") >= 0 || rest.Find(0, "primary", "key") >= 0;
        if (notNull && defaultAt < 0 && !identity && !generatedStored && !SerialTypes.Contains(typeWord))
        {
            findings.Add(LintFinding.For(LintRules.NotNullColumnWithoutDefault, statement,
                $"ADD COLUMN {where} NOT NULL without DEFAULT fails as soon as {table} has a row.", table.ToString(), column));
        }
        if (rest.Find(0, "unique") >= 0 || rest.Find(0, "primary", "key") >= 0)
        {
            findings.Add(LintFinding.For(LintRules.UniqueWithoutIndex, statement,
                $"ADD COLUMN {where} UNIQUE/PRIMARY KEY builds an index under ACCESS EXCLUSIVE on {table}.", table.ToString(), column));
        }
        // A column constraint cannot be NOT VALID: REFERENCES here is always a validated foreign key.
        if (rest.Find(0, "references") is var references and >= 0)
        {
            var at = references + 1;
            var referenced = rest.ReadName(ref at);
            findings.Add(LintFinding.For(LintRules.ForeignKeyWithoutNotValid, statement,
                $"ADD COLUMN {where} REFERENCES {referenced} adds a validated foreign key: ACCESS EXCLUSIVE on {table} while {table} is scanned to validate it, and SHARE ROW EXCLUSIVE on {referenced}.",
                table.ToString(), column));
        }
    }

    private static void AlterColumn(SqlStatement statement, TokenSpan a, QualifiedName table, LintContext context, List<LintFinding> findings)
    {
        var i = a.Skip(1, "column");
        if (i >= a.Count) return;
        var column = a[i].Value;
        var where = $"{table}.{column}";
        if (a.Is(i + 1, "type") || a.Is(i + 1, "set", "data", "type"))
        {
            var typeAt = a.Is(i + 1, "type") ? i + 2 : i + 4;
            var newType = a.Until(typeAt, "using", "collate").Text;
            findings.Add(LintFinding.For(LintRules.ColumnTypeChange, statement,
                $"ALTER COLUMN {where} TYPE {newType} takes ACCESS EXCLUSIVE on {table} and rewrites it unless the change is binary-coercible.", table.ToString(), column));
        }
        else if (a.Is(i + 1, "set", "not", "null") && !context.HasValidatedNotNullCheck(table, column))
        {
            findings.Add(LintFinding.For(LintRules.SetNotNullWithoutCheck, statement,
                $"SET NOT NULL on {where} with no validated CHECK ({column} IS NOT NULL) earlier in this file: a full scan of {table} under ACCESS EXCLUSIVE.", table.ToString(), column));
        }
    }

    private static void DropColumn(SqlStatement statement, TokenSpan a, QualifiedName table, List<LintFinding> findings)
    {
        if (a.Is(1, "constraint") || a.Is(1, "default") || a.Is(1, "not") || a.Is(1, "identity") || a.Is(1, "expression")) return;
        var i = a.Skip(a.Skip(1, "column"), "if", "exists");
        if (i >= a.Count) return;
        var column = a[i].Value;
        findings.Add(LintFinding.For(LintRules.DropColumnInUse, statement,
            $"DROP COLUMN {table}.{column}: every application version, view, trigger and report still using it breaks.", table.ToString(), column));
    }

    private static void Rename(SqlStatement statement, TokenSpan a, QualifiedName table, List<LintFinding> findings)
    {
        if (a.Is(1, "constraint")) return;
        if (a.Is(1, "to"))
        {
            findings.Add(LintFinding.For(LintRules.RenameInUse, statement,
                $"RENAME of table {table}: every query naming {table.Name} fails from the moment it commits.", table.ToString()));
            return;
        }
        var i = a.Skip(1, "column");
        if (i + 2 >= a.Count) return;
        var column = a[i].Value;
        findings.Add(LintFinding.For(LintRules.RenameInUse, statement,
            $"RENAME COLUMN {table}.{column} TO {a[i + 2].Value}: running code that uses {column} fails from the moment it commits.", table.ToString(), column));
    }

    /// <summary>SET LOGGED / UNLOGGED / TABLESPACE / ACCESS METHOD (each copies the table), as written, or null.</summary>
    private static string? RewritingSet(TokenSpan a) =>
        a.Is(0, "set", "logged") ? "SET LOGGED"
        : a.Is(0, "set", "unlogged") ? "SET UNLOGGED"
        : a.Is(0, "set", "tablespace") ? "SET TABLESPACE"
        : a.Is(0, "set", "access", "method") ? "SET ACCESS METHOD"
        : null;

    /// <summary>The column of a <c>CHECK (col IS NOT NULL)</c> starting at the opening parenthesis, or null.</summary>
    private static string? IsNotNullCheck(TokenSpan a, int open)
    {
        var inner = a.Tokens.Skip(open).Where(tok => !tok.IsSymbol("(") && !tok.IsSymbol(")")).ToList();
        var span = new TokenSpan(inner);
        return inner.Count >= 4 && inner[0].IsIdentifier && span.Is(1, "is", "not", "null") && (inner.Count == 4 || span.Is(4, "not", "valid"))
            ? inner[0].Value
            : null;
    }
}
