using System.Text.Json;
using Switchyard.Core.Execution;
using Switchyard.Core.Linting;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Linting;

/// <summary>An empty ledger schema (tables, keys, indexes) to clone and measure against.</summary>
public sealed class LedgerSchemaDatabase : TestDatabase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await LedgerSchema.CreateTablesAsync(DataSource, CancellationToken.None);
        foreach (var sql in LedgerSchema.Indexes) await ExecuteAsync(sql);
    }
}

public sealed class LintCorpusTests : IClassFixture<LedgerSchemaDatabase>
{
    private readonly LedgerSchemaDatabase _db;

    public LintCorpusTests(LedgerSchemaDatabase db) => _db = db;

    [Theory]
    [InlineData("dangerous.sql")]
    [InlineData("safe.sql")]
    public void Analyze_Corpus_ReportsExactlyTheAnnotatedHazardsAndNothingOnSafeStatements(string file)
    {
        // Given
        var corpus = LintCorpus.Load(file);

        // When
        var report = SqlLinter.Analyze(corpus.Sql, corpus.Path);

        // Then
        report.Statements.Count.ShouldBe(corpus.Entries.Count);
        foreach (var (entry, row) in corpus.Entries.Zip(report.Statements))
        {
            row.Findings.Select(f => f.RuleId).ToHashSet().SetEquals(entry.Rules)
                .ShouldBeTrue($"{file}:{row.Line} `{entry.Statement.Preview()}` expected [{string.Join(' ', entry.Rules)}] got [{string.Join(' ', row.Findings.Select(f => f.RuleId))}]");
        }
    }

    [Fact]
    public void DangerousCorpus_CoversEveryRuleButTheMeasurementOnlyOnes()
    {
        var corpus = LintCorpus.Load("dangerous.sql");
        var covered = corpus.Entries.SelectMany(e => e.Rules).ToHashSet();
        foreach (var rule in LintRules.All.Where(r => r != LintRules.MeasuredRewrite && r != LintRules.PlanLockUnderDeclared && r != LintRules.UnmeasuredAccessExclusive))
            covered.ShouldContain(rule.Id);
    }

    [Theory]
    [InlineData("dangerous.sql")]
    [InlineData("safe.sql")]
    public async Task AnalyzeAndMeasure_Corpus_LocksAndRewritesMatchTheDocumentedLevels(string file)
    {
        // Given
        var corpus = LintCorpus.Load(file);
        var binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None);

        // When
        var report = await SqlLinter.AnalyzeAndMeasureAsync(corpus.Sql, corpus.Path, _db.Settings, binaries, _db.Runner(), CancellationToken.None);

        // Then
        foreach (var (entry, row) in corpus.Entries.Zip(report.Statements))
        {
            var where = $"{file}:{row.Line} `{entry.Statement.Preview()}`";
            var m = row.Measurement.ShouldNotBeNull(where);
            if (entry.Documented is { } documented)
            {
                m.Status.ShouldBe(MeasurementStatus.NotPossibleInTransaction, where);
                m.StrongestTableLock.ShouldBe(documented, where);
                continue;
            }
            if (entry.Locks.Count > 0 || entry.Rewrites is not null)
                m.Status.ShouldBe(MeasurementStatus.Measured, $"{where}: {m.Note}");
            foreach (var (relation, mode) in entry.Locks)
                m.LockOn(relation).ShouldBe(mode, $"{where} on {relation}; measured {string.Join(", ", m.Locks)}");
            if (entry.Rewrites is { } rewrites)
                m.RewrittenTables.ShouldBe(rewrites, where);
            foreach (var (rule, severity) in entry.MeasuredSeverity)
                row.Findings.Single(f => f.RuleId == rule).Severity.ShouldBe(severity, where);
        }
    }

    [Fact]
    public async Task AnalyzeAndMeasure_TargetDatabase_IsUntouchedAndTheScratchCloneIsDropped()
    {
        // Given
        var corpus = LintCorpus.Load("dangerous.sql");
        var binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        var columnsBefore = await _db.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'");

        // When
        await SqlLinter.AnalyzeAndMeasureAsync(corpus.Sql, corpus.Path, _db.Settings, binaries, _db.Runner(), CancellationToken.None);

        // Then
        (await _db.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'")).ShouldBe(columnsBefore);
        (await _db.ScalarAsync<bool>("SELECT to_regclass('public.disputes') IS NULL AND to_regclass('public.transactions_currency_idx') IS NULL")).ShouldBeTrue();
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname LIKE 'switchyard_lint_%'")).ShouldBe(0);
    }

    [Fact]
    public async Task AnalyzeAndMeasure_DropColumnAViewUses_IsAnErrorNamingTheView()
    {
        // Given a report view reading merchants.mcc
        await _db.ExecuteAsync("CREATE OR REPLACE VIEW merchant_report AS SELECT id, mcc FROM merchants");
        var binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        const string sql = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nALTER TABLE merchants DROP COLUMN mcc;\n";

        // When
        var report = await SqlLinter.AnalyzeAndMeasureAsync(sql, "drop.sql", _db.Settings, binaries, _db.Runner(), CancellationToken.None);

        // Then
        var finding = report.Findings.Single(f => f.RuleId == LintRules.DropColumnInUse.Id);
        finding.Severity.ShouldBe(LintSeverity.Error);
        finding.Message.ShouldContain("merchant_report");
        report.Statements[2].Measurement!.Status.ShouldBe(MeasurementStatus.Failed);
        report.Statements[2].Measurement!.Note!.ShouldContain("depend");
        await _db.ExecuteAsync("DROP VIEW merchant_report");
    }

    [Fact]
    public async Task CliLint_DangerousAndSafeCorpus_Exits2OnErrors0OnSafeAndPrintsSnakeCaseJson()
    {
        // When
        var dangerous = await CliRunner.RunAsync(["lint", Path.Combine(LintCorpus.Folder, "dangerous.sql"), "--json", "-c", _db.ConnectionString]);
        var safe = await CliRunner.RunAsync(["lint", Path.Combine(LintCorpus.Folder, "safe.sql"), "-c", _db.ConnectionString]);

        // Then
        dangerous.ExitCode.ShouldBe(2, dangerous.StdErr);
        using var json = JsonDocument.Parse(dangerous.StdOut);
        json.RootElement.GetProperty("exit_code").GetInt32().ShouldBe(2);
        var first = json.RootElement.GetProperty("statements")[0];
        first.GetProperty("measurement").GetProperty("strongest_table_lock").GetString().ShouldBe("share");
        first.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule_id").GetString()).ShouldContain("SY001");

        safe.ExitCode.ShouldBe(0, safe.StdErr + safe.StdOut);
        safe.StdOut.ShouldContain("0 errors, 0 warnings");
        safe.StdOut.ShouldContain("locks measured on a schema-only clone of");
        safe.StdOut.ShouldContain("public.transactions: SHARE ROW EXCLUSIVE");
    }

    [Fact]
    public async Task CliLint_FailOnWarning_Exits1WhenOnlyWarningsAndBadInputExits3()
    {
        // Given a file whose only finding is a warning (DROP INDEX without CONCURRENTLY)
        var file = Path.Combine(Path.GetTempPath(), $"warn-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nDROP INDEX IF EXISTS transactions_created_idx;\n");
        var unterminated = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(unterminated, "SELECT 1;\nSELECT 'oops;\n");

        // When
        var lenient = await CliRunner.RunAsync(["lint", file, "--static"]);
        var strict = await CliRunner.RunAsync(["lint", file, "--static", "--fail-on", "warning"]);
        var bad = await CliRunner.RunAsync(["lint", unterminated, "--static"]);
        var missing = await CliRunner.RunAsync(["lint", "/does/not/exist.sql", "--static"]);

        // Then
        lenient.ExitCode.ShouldBe(0);
        strict.ExitCode.ShouldBe(1);
        bad.ExitCode.ShouldBe(3);
        bad.StdErr.ShouldContain(":2:8: unterminated string literal");
        missing.ExitCode.ShouldBe(3);
        missing.StdErr.ShouldContain("no such file");
    }
}
