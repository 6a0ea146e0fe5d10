using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Core.Linting;

/// <summary>
/// Lints a SQL file: static rules first, then (with a database) catalog checks on the target and lock measurement on a
/// schema-only clone. When a measurement disagrees with what a rule assumed, the measurement wins in the report.
/// </summary>
public static class SqlLinter
{
    /// <summary>Rules only, no database.</summary>
    public static LintReport Analyze(string sql, string source) => AnalyzeCore(sql, source).Report;

    /// <summary>Rules, catalog checks on <paramref name="target"/> and measurement on a schema clone of it (dropped afterwards).</summary>
    /// <param name="prepareClone">Run on the clone before measuring, e.g. creating what the engine always creates first.</param>
    public static async Task<LintReport> AnalyzeAndMeasureAsync(string sql, string source, ConnectionSettings target, PostgresBinaries binaries,
        SafeSqlRunner targetSql, CancellationToken ct, Func<SafeSqlRunner, CancellationToken, Task>? prepareClone = null)
    {
        var (report, context, statements) = AnalyzeCore(sql, source);
        var rows = new List<StatementReport>(report.Statements.Count);
        var probe = new ColumnUsageProbe(targetSql);
        IReadOnlyList<StatementMeasurement> measurements;
        await using (var clone = await SchemaClone.CreateAsync(target, binaries, ct).ConfigureAwait(false))
        {
            if (prepareClone is not null) await prepareClone(new SafeSqlRunner(clone.DataSource), ct).ConfigureAwait(false);
            measurements = await LockMeasurer.MeasureAsync(clone.DataSource, statements, ct).ConfigureAwait(false);
        }

        foreach (var row in report.Statements)
        {
            var findings = await WithCatalogFactsAsync(row, context, probe, ct).ConfigureAwait(false);
            var measured = measurements[row.Index];
            findings = MeasurementWins(findings, measured, statements[row.Index], context);
            rows.Add(row with { Findings = findings, Measurement = measured });
        }
        return new LintReport(source, target.Describe(), rows);
    }

    private static (LintReport Report, LintContext Context, IReadOnlyList<SqlStatement> Statements) AnalyzeCore(string sql, string source)
    {
        var context = new LintContext(source);
        var statements = DoBlocks.Expand(SqlSplitter.Split(sql, source), sql);
        var rows = statements
            .Select(s => new StatementReport(s.Index, s.Line, s.Column, s.Text, s.InTransactionBlock, StatementRules.Evaluate(s, context), null))
            .ToList();
        return (new LintReport(source, null, rows), context, statements);
    }

    /// <summary>Rename/drop become errors when the catalog shows users; SET NOT NULL is fine when a validated check exists.</summary>
    /// <remarks>A user that an earlier statement of the file drops (the migration's own trigger function) is not one.</remarks>
    private static async Task<IReadOnlyList<LintFinding>> WithCatalogFactsAsync(StatementReport row, LintContext context, ColumnUsageProbe probe, CancellationToken ct)
    {
        var result = new List<LintFinding>(row.Findings.Count);
        foreach (var f in row.Findings)
        {
            if (f.Table is { } table && f.TargetColumn is { } column &&
                (f.RuleId == LintRules.DropColumnInUse.Id || f.RuleId == LintRules.RenameInUse.Id))
            {
                var found = await probe.UsersOfAsync(table, column, ct).ConfigureAwait(false);
                var dropped = found.Where(u => u.ObjectKey is { } key && context.DroppedBefore(key, row.Index)).Select(u => u.Description).ToList();
                var users = found.Select(u => u.Description).Except(dropped).ToList();
                var droppedNote = dropped.Count > 0 ? " Dropped by an earlier statement of this file, so not counted: " + string.Join("; ", dropped) + "." : "";
                result.Add(users.Count > 0
                    ? f with { Severity = LintSeverity.Error, Message = f.Message + " Still used in the database by: " + string.Join("; ", users) + "." + droppedNote }
                    : f with { Message = f.Message + droppedNote + $" No {(dropped.Count > 0 ? "other " : "")}view, trigger, function or recorded statement in the database uses it; application code cannot be checked from here." });
                continue;
            }
            if (f.RuleId == LintRules.SetNotNullWithoutCheck.Id && f.Table is { } t && f.TargetColumn is { } c &&
                await probe.HasValidatedNotNullCheckAsync(t, c, ct).ConfigureAwait(false))
            {
                continue;
            }
            result.Add(f);
        }
        return result;
    }

    private static IReadOnlyList<LintFinding> MeasurementWins(IReadOnlyList<LintFinding> findings, StatementMeasurement measured, SqlStatement statement, LintContext context)
    {
        if (measured.Status == MeasurementStatus.Failed) return UnmeasuredFallsBackToTheManual(findings, measured, statement, context);
        if (measured.Status != MeasurementStatus.Measured) return findings;
        var result = new List<LintFinding>(findings.Count + 1);
        foreach (var f in findings)
        {
            var rule = f.Rule();
            var g = f;
            if (rule.AssumedRewrite && !measured.Rewrote)
            {
                g = g with
                {
                    Severity = g.Severity == LintSeverity.Error ? LintSeverity.Warning : g.Severity,
                    Message = g.Message + $" Measured on the schema clone: no rewrite (catalog-only change); it still takes {measured.StrongestTableLockName} briefly.",
                };
            }
            var measuredLock = g.Table is { } table ? measured.LockOn(table) : measured.StrongestTableLock;
            if (rule.AssumedLock != LockMode.None && measuredLock != LockMode.None && measuredLock != rule.AssumedLock)
                g = g with { Message = g.Message + $" Measured lock: {LockModes.SqlName(measuredLock)} (the rule assumed {LockModes.SqlName(rule.AssumedLock)})." };
            result.Add(g);
        }
        var unexpected = measured.RewrittenTables.Where(t => !context.IsNewTable(QualifiedName.Parse(t))).ToList();
        if (unexpected.Count > 0 && !findings.Any(f => f.Rule().AssumedRewrite && f.Severity != LintSeverity.Info))
        {
            result.Add(LintFinding.For(LintRules.MeasuredRewrite, statement,
                $"Measured on the schema clone: this statement rewrote {string.Join(", ", unexpected)} (relfilenode changed) under {measured.StrongestTableLockName}.",
                unexpected[0]));
        }
        return result;
    }

    /// <summary>
    /// A statement the clone could not run has no measurement to clear it: when no rule has flagged it and the manual
    /// says it takes ACCESS EXCLUSIVE on a table that exists, it is reported (it may rewrite or scan that table).
    /// </summary>
    private static IReadOnlyList<LintFinding> UnmeasuredFallsBackToTheManual(IReadOnlyList<LintFinding> findings, StatementMeasurement measured, SqlStatement statement, LintContext context)
    {
        if (findings.Any(f => f.Severity >= LintSeverity.Warning) || DocumentedLocks.AccessExclusiveTable(statement, context) is not { } table) return findings;
        return [.. findings, LintFinding.For(LintRules.UnmeasuredAccessExclusive, statement,
            $"Takes ACCESS EXCLUSIVE on {table} (PostgreSQL manual), but it {measured.Note}: whether it also rewrites or scans {table} is unknown.", table.ToString())];
    }
}
