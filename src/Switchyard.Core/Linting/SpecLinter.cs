using System.Globalization;
using System.Text;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Linting;

/// <summary>
/// Lints the SQL a spec's plan will run: every DDL step in plan order, under the timeouts the safe runner sets. With
/// measurement, each step's measured lock is compared with the lock the plan declares (the conflict gate waits on the
/// declared one): a step that takes more than it declares is reported, since the measurement wins.
/// </summary>
public static class SpecLinter
{
    /// <summary>The plan's DDL steps as one SQL file, and which step each statement is.</summary>
    public static (string Sql, IReadOnlyDictionary<int, PlanStep> StepAt) ToSql(MigrationPlan plan, SafeSqlOptions options)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"-- {plan.Name}: the DDL steps of the plan, in order. The engine sets these per transaction (SET LOCAL).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"SET lock_timeout = '{options.LockTimeout.TotalMilliseconds:F0}ms';");
        sb.AppendLine(CultureInfo.InvariantCulture, $"SET statement_timeout = '{options.StatementTimeout.TotalSeconds:F0}s';");
        var steps = new Dictionary<int, PlanStep>();
        var index = 2;
        foreach (var step in plan.Steps.Where(s => s.Kind == StepKind.Ddl))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"-- step {step.Key}: {step.Description}");
            var text = WithValues(step).Trim().TrimEnd(';');
            sb.Append(text).AppendLine(";");
            // A step may hold more than one statement (a swap drops and renames in one transaction): each maps to it.
            foreach (var _ in SqlSplitter.Split(text)) steps[index++] = step;
        }
        return (sb.ToString(), steps);
    }

    /// <summary>
    /// A lint file is one script, so a step's bound values are written into it as literals read the same under any
    /// standard_conforming_strings (the engine itself binds them); only the linter's schema clone runs this text.
    /// </summary>
    private static string WithValues(PlanStep step)
    {
        if (step.Statement?.Parameters is not { Count: > 0 } values) return step.Sql;
        var sql = step.Sql;
        for (var i = values.Count; i >= 1; i--)
            sql = System.Text.RegularExpressions.Regex.Replace(sql, $@"\${i}(?![0-9])", _ => Literal(values[i - 1]));
        return sql;
    }

    private static string Literal(object? value) => value switch
    {
        null => "NULL",
        UntypedText u => Ident.Literal(u.Value),
        string s => Ident.Literal(s),
        IEnumerable<string?> list => list.Any() ? $"ARRAY[{string.Join(", ", list.Select(Literal))}]::text[]" : "'{}'::text[]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL",
    };

    public static LintReport Analyze(MigrationPlan plan, SafeSqlOptions options, string source)
    {
        var (sql, stepAt) = ToSql(plan, options);
        return Answered(SqlLinter.Analyze(sql, source), stepAt);
    }

    /// <summary>A finding the step answers by design (<see cref="PlanStep.LintClaims"/>) becomes info, with the plan's reason.</summary>
    private static LintReport Answered(LintReport report, IReadOnlyDictionary<int, PlanStep> stepAt) => report with
    {
        Statements = [.. report.Statements.Select(row => !stepAt.TryGetValue(row.Index, out var step) || step.LintClaims is not { Count: > 0 } claims ? row : row with
        {
            Findings = [.. row.Findings.Select(f => claims.FirstOrDefault(c => c.RuleId == f.RuleId) is { } claim
                ? f with { Severity = LintSeverity.Info, Message = $"Answered by step {step.Key}: {claim.Reason}. (The rule says: {f.Message})" }
                : f)],
        })],
    };

    public static async Task<LintReport> AnalyzeAndMeasureAsync(MigrationPlan plan, SafeSqlOptions options, string source, ConnectionSettings target,
        PostgresBinaries binaries, SafeSqlRunner targetSql, CancellationToken ct)
    {
        var (sql, stepAt) = ToSql(plan, options);
        // The engine creates its journal (and flag store) before any step: so does the clone.
        var report = await SqlLinter.AnalyzeAndMeasureAsync(sql, source, target, binaries, targetSql, ct, JournalSchema.EnsureAsync).ConfigureAwait(false);
        var rows = report.Statements.Select(row =>
        {
            if (!stepAt.TryGetValue(row.Index, out var step) || row.Measurement is not { Status: MeasurementStatus.Measured } m || step.LockTable is null) return row;
            var measured = m.LockOn(QualifiedName.Parse(step.LockTable).ToString());
            if (measured <= step.Lock || measured < LockMode.ShareUpdateExclusive) return row;
            var finding = new LintFinding(LintRules.PlanLockUnderDeclared.Id, LintRules.PlanLockUnderDeclared.Severity, row.Line, row.Column,
                $"Step {step.Key} declares {step.LockLevel} on {step.LockTable} but the statement took {LockModes.SqlName(measured)} on the schema clone: the conflict gate waits for holders of the wrong mode.",
                LintRules.PlanLockUnderDeclared.Rewrite, step.LockTable);
            return row with { Findings = [.. row.Findings, finding] };
        }).ToList();
        return Answered(report with { Statements = rows }, stepAt);
    }
}
