using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>
/// Asks the target database who still uses a column: objects that depend on it in <c>pg_depend</c> (views, triggers,
/// SQL-body functions), PL/pgSQL functions whose source names it, and statements in <c>pg_stat_statements</c> when installed.
/// </summary>
public sealed class ColumnUsageProbe
{
    // The object key names what a DROP earlier in the file removes (see DroppedObjects): a view for its _RETURN rule.
    private const string DependentsSql = """
        SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid),
          CASE d.classid
            WHEN 'pg_rewrite'::regclass THEN (SELECT 'view ' || n.nspname || '.' || c.relname FROM pg_rewrite r
              JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.oid = d.objid)
            WHEN 'pg_trigger'::regclass THEN (SELECT 'trigger ' || t.tgname || ' on ' || n.nspname || '.' || c.relname FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.oid = d.objid)
            WHEN 'pg_proc'::regclass THEN (SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = d.objid)
          END
        FROM pg_depend d
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND a.attname = $2
          AND d.deptype = 'n' AND d.classid <> 'pg_attrdef'::regclass
        ORDER BY 1
        """;

    private const string FunctionsSql = """
        SELECT p.oid::regprocedure::text, 'function ' || n.nspname || '.' || p.proname
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prolang NOT IN (SELECT oid FROM pg_language WHERE lanname IN ('internal', 'c'))
          AND p.prosrc ~* $1
        ORDER BY 1
        """;

    private const string StatementsSql = """
        SELECT count(*), coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE query ~* $1
        """;

    private const string NotNullChecksSql = """
        SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'c' AND convalidated
        """;

    private readonly SafeSqlRunner _sql;

    public ColumnUsageProbe(SafeSqlRunner sql) => _sql = sql;

    /// <summary>Everything found using <paramref name="column"/> of <paramref name="table"/>; empty when nothing is.</summary>
    public async Task<IReadOnlyList<ColumnUser>> UsersOfAsync(string table, string column, CancellationToken ct)
    {
        var found = new List<ColumnUser>();
        var regclass = QualifiedName.Parse(table).RegclassText;
        found.AddRange(await _sql.QueryAsync(DependentsSql, r => new ColumnUser(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)), ct, regclass, column).ConfigureAwait(false));
        var word = WordPattern(column);
        found.AddRange(await _sql.QueryAsync(FunctionsSql, r => new ColumnUser($"function {r.GetString(0)} (its source mentions {column})", r.GetString(1)), ct, word).ConfigureAwait(false));
        var hasStatements = await _sql.ScalarAsync<bool>("SELECT to_regclass('pg_stat_statements') IS NOT NULL", ct).ConfigureAwait(false);
        if (hasStatements)
        {
            var (count, calls) = (await _sql.QueryAsync(StatementsSql, r => (r.GetInt64(0), r.GetInt64(1)), ct, word).ConfigureAwait(false))[0];
            if (count > 0) found.Add(new ColumnUser($"{count} statement(s) in pg_stat_statements ({calls} calls) mention {column}", null));
        }
        return found;
    }

    /// <summary>True when the table already has a validated <c>CHECK (column IS NOT NULL)</c>.</summary>
    public async Task<bool> HasValidatedNotNullCheckAsync(string table, string column, CancellationToken ct)
    {
        var defs = await _sql.QueryAsync(NotNullChecksSql, r => r.GetString(0), ct, QualifiedName.Parse(table).RegclassText).ConfigureAwait(false);
        var pattern = new Regex($"^CHECK \\(\\(?\"?{Regex.Escape(column)}\"?\\)? IS NOT NULL\\)$", RegexOptions.None, TimeSpan.FromSeconds(1));
        return defs.Any(d => pattern.IsMatch(d));
    }

    /// <summary>A PostgreSQL regex matching the column name as a whole word.</summary>
    private static string WordPattern(string column)
    {
        var escaped = new StringBuilder();
        foreach (var c in column)
        {
            if (".^$*+?()[]{}|\\".Contains(c, StringComparison.Ordinal)) escaped.Append('\\');
            escaped.Append(c);
        }
        return $"\\m{escaped}\\M";
    }
}

/// <summary>Something in the database that uses a column.</summary>
/// <param name="Description">What it is, for the report.</param>
/// <param name="ObjectKey">The <see cref="DroppedObjects"/> key a DROP of it records (function, trigger, view), or null.</param>
public sealed record ColumnUser(string Description, string? ObjectKey);
