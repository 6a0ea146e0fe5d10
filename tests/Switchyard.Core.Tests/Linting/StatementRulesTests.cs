using Switchyard.Core.Linting;

namespace Switchyard.Core.Tests.Linting;

public sealed class StatementRulesTests
{
    private const string Timeouts = "SET lock_timeout = '200ms'; SET statement_timeout = '1min';\n";

    private static string[] Rules(string sql) =>
        [.. SqlLinter.Analyze(Timeouts + sql, "t.sql").Findings.Select(f => f.RuleId).Distinct().Order()];

    [Theory]
    [InlineData("CREATE INDEX i ON t (a)", "SY001")]
    [InlineData("create unique index if not exists i on public.t using btree (a)", "SY001")]
    [InlineData("DROP INDEX i", "SY002")]
    [InlineData("BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT", "SY003")]
    [InlineData("START TRANSACTION; DROP INDEX CONCURRENTLY i; END", "SY003")]
    [InlineData("ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES r (id)", "SY004")]
    [InlineData("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)", "SY005")]
    [InlineData("ALTER TABLE t ALTER COLUMN a SET NOT NULL", "SY006")]
    [InlineData("ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid()", "SY007")]
    [InlineData("ALTER TABLE t ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY", "SY007")]
    [InlineData("ALTER TABLE t ADD COLUMN total numeric GENERATED ALWAYS AS (a * 2) STORED", "SY007")]
    [InlineData("ALTER TABLE t ALTER a TYPE bigint", "SY008")]
    [InlineData("ALTER TABLE t ALTER COLUMN a SET DATA TYPE bigint USING a::bigint", "SY008")]
    [InlineData("ALTER TABLE t RENAME a TO b", "SY009")]
    [InlineData("ALTER TABLE t DROP COLUMN IF EXISTS a CASCADE", "SY010")]
    [InlineData("VACUUM (FULL, ANALYZE) t", "SY013")]
    [InlineData("ALTER TABLE t ADD COLUMN n int NOT NULL", "SY014")]
    [InlineData("ALTER TABLE t ADD PRIMARY KEY (id)", "SY015")]
    [InlineData("ALTER TABLE t ADD CONSTRAINT k EXCLUDE USING gist (r WITH &&)", "SY015")]
    [InlineData("ALTER TABLE t ADD COLUMN at timestamptz DEFAULT current_timestamp", "SY016")]
    [InlineData("REINDEX TABLE t", "SY018")]
    [InlineData("ALTER TABLE t ADD COLUMN m bigint REFERENCES merchants (id)", "SY004")]
    [InlineData("ALTER TABLE t ADD COLUMN IF NOT EXISTS m bigint CONSTRAINT m_fk REFERENCES public.merchants", "SY004")]
    [InlineData("ALTER TABLE t SET UNLOGGED", "SY020")]
    [InlineData("ALTER TABLE t SET TABLESPACE slow", "SY020")]
    [InlineData("TRUNCATE TABLE t", "SY020")]
    [InlineData("REFRESH MATERIALIZED VIEW v", "SY020")]
    [InlineData("LOCK TABLE t", "SY021")]
    [InlineData("LOCK t IN SHARE ROW EXCLUSIVE MODE", "SY021")]
    [InlineData("UPDATE t SET a = lower(a)", "SY023")]
    [InlineData("DELETE FROM ONLY t", "SY023")]
    public void Analyze_EachHazard_IsReportedWithItsStableRuleId(string sql, string rule) =>
        Rules(sql).ShouldBe([rule]);

    [Theory]
    [InlineData("CREATE INDEX CONCURRENTLY i ON t (a)")]
    [InlineData("ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES r (id) NOT VALID")]
    [InlineData("ALTER TABLE t VALIDATE CONSTRAINT f")]
    [InlineData("ALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; ALTER TABLE t ALTER COLUMN a SET NOT NULL")]
    [InlineData("ALTER TABLE t ADD COLUMN c int")]
    [InlineData("ALTER TABLE t ADD COLUMN c text NOT NULL DEFAULT 'x'")]
    [InlineData("ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX k_idx")]
    [InlineData("ALTER TABLE t ALTER COLUMN c SET DEFAULT 0, ALTER COLUMN c DROP NOT NULL, DROP CONSTRAINT k")]
    [InlineData("CREATE TABLE n (id bigint); CREATE INDEX ON n (id); ALTER TABLE n ADD COLUMN u uuid NOT NULL DEFAULT gen_random_uuid(), ADD PRIMARY KEY (id)")]
    [InlineData("VACUUM ANALYZE t")]
    [InlineData("LOCK TABLE t IN ACCESS SHARE MODE")]
    [InlineData("REFRESH MATERIALIZED VIEW CONCURRENTLY v")]
    [InlineData("UPDATE t SET a = lower(a) WHERE id BETWEEN 1 AND 5000")]
    [InlineData("DELETE FROM t WHERE id < 100")]
    [InlineData("CREATE TABLE n (id bigint); UPDATE n SET id = id + 1; TRUNCATE n")]
    [InlineData("ALTER TABLE t ADD COLUMN m bigint, ADD CONSTRAINT m_fk FOREIGN KEY (m) REFERENCES merchants (id) NOT VALID")]
    [InlineData("SELECT 'CREATE INDEX i ON t (a); VACUUM FULL'")]
    public void Analyze_SafeForms_RaiseNoAlarm(string sql) => Rules(sql).ShouldBeEmpty();

    [Fact]
    public void Analyze_MissingTimeouts_AreReportedOnceAtTheFirstLockingStatement()
    {
        // When
        var report = SqlLinter.Analyze("CREATE TABLE n (id int);\nALTER TABLE t ADD COLUMN c int;\nALTER TABLE t ADD COLUMN d int;", "m.sql");

        // Then
        var missing = report.Findings.Where(f => f.RuleId is "SY011" or "SY012").ToList();
        missing.Select(f => f.RuleId).Order().ShouldBe(["SY011", "SY012"]);
        missing.ShouldAllBe(f => f.Line == 2);
    }

    [Fact]
    public void Analyze_SetLocalTimeouts_LastOnlyUntilTheBlockEnds()
    {
        var report = SqlLinter.Analyze(
            "BEGIN; SET LOCAL lock_timeout = '1s'; SET LOCAL statement_timeout = '1min'; ALTER TABLE t ADD COLUMN c int; COMMIT;\nALTER TABLE t ADD COLUMN d int;", "m.sql");

        report.Findings.Where(f => f.RuleId is "SY011").ShouldHaveSingleItem().Line.ShouldBe(2);
    }

    [Fact]
    public void ExitCode_ErrorsWarningsOrClean_FollowsFailOn()
    {
        var errors = SqlLinter.Analyze(Timeouts + "CREATE INDEX i ON t (a)", "e.sql");
        var warnings = SqlLinter.Analyze(Timeouts + "DROP INDEX i", "w.sql");
        var clean = SqlLinter.Analyze(Timeouts + "CREATE INDEX CONCURRENTLY i ON t (a)", "c.sql");

        errors.ExitCode(LintFailOn.Error).ShouldBe(2);
        errors.ExitCode(LintFailOn.None).ShouldBe(0);
        warnings.ExitCode(LintFailOn.Error).ShouldBe(0);
        warnings.ExitCode(LintFailOn.Warning).ShouldBe(1);
        clean.ExitCode(LintFailOn.Warning).ShouldBe(0);
    }

    [Fact]
    public void LintRules_EveryRule_HasAUniqueStableIdAnExplanationAndARewrite()
    {
        LintRules.All.Select(r => r.Id).ShouldBeUnique();
        LintRules.All.ShouldAllBe(r => r.Id.StartsWith("SY") && r.Explanation.Length > 20 && r.Rewrite.Length > 10);
    }
}
