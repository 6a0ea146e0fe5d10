using Switchyard.Core.Linting;

namespace Switchyard.Core.Tests.Linting;

public sealed class DoBlockTests
{
    private const string EfIdempotentScript = """
        SET lock_timeout = '200ms';
        SET statement_timeout = '1min';
        START TRANSACTION;
        DO $EF$
        BEGIN
            IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "MigrationId" = '20240101000000_X') THEN
            CREATE INDEX "IX_transactions_state_id" ON transactions (state_id);
            END IF;
        END $EF$;
        COMMIT;
        """;

    [Fact]
    public void Analyze_EfIdempotentScript_ReportsTheIndexInsideTheDoBlockAtItsLineAndColumn()
    {
        // When
        var report = SqlLinter.Analyze(EfIdempotentScript, "ef.sql");

        // Then
        var finding = report.Findings.ShouldHaveSingleItem();
        finding.RuleId.ShouldBe(LintRules.IndexWithoutConcurrently.Id);
        (finding.Line, finding.Column).ShouldBe((7, 5));
        report.Statements.Single(s => s.Findings.Count > 0).Sql.ShouldBe("""CREATE INDEX "IX_transactions_state_id" ON transactions (state_id)""");
    }

    [Fact]
    public void Analyze_ExecuteOfAConstantString_LintsTheStringWhereItIsWritten()
    {
        // Given a single-quoted DO body whose EXECUTE string has doubled quotes of its own
        const string sql = "SET lock_timeout = '1s'; SET statement_timeout = '1min';\nDO 'BEGIN EXECUTE ''ALTER TABLE t ALTER COLUMN a TYPE bigint''; END';";

        // When
        var report = SqlLinter.Analyze(sql, "exec.sql");

        // Then
        var finding = report.Findings.ShouldHaveSingleItem();
        finding.RuleId.ShouldBe(LintRules.ColumnTypeChange.Id);
        (finding.Line, finding.Column).ShouldBe((2, 21));
    }

    [Fact]
    public void Analyze_ConcurrentlyInsideADoBlock_IsReportedAsInATransaction()
    {
        // Given
        const string sql = "DO $$\nBEGIN\n  CREATE INDEX CONCURRENTLY i ON t (a);\nEND $$;";

        // When
        var report = SqlLinter.Analyze(sql, "do.sql");

        // Then
        var finding = report.Findings.ShouldHaveSingleItem();
        finding.RuleId.ShouldBe(LintRules.ConcurrentlyInTransaction.Id);
        finding.Message.ShouldContain("DO block at line 1");
        (finding.Line, finding.Column).ShouldBe((3, 3));
    }

    [Fact]
    public void Analyze_PlpgsqlControlFlowAndSafeStatements_RaiseNoAlarm()
    {
        // Given declarations, assignments, loops, RAISE, PERFORM, an exception handler and a batched update
        const string sql = """
            SET lock_timeout = '1s';
            SET statement_timeout = '1min';
            DO LANGUAGE plpgsql $body$
            DECLARE
                n int := 0;
                r record;
            BEGIN
                n := n + 1;
                <<batches>>
                FOR r IN SELECT id FROM t ORDER BY id LOOP
                    UPDATE t SET a = lower(a) WHERE id = r.id;
                    EXIT batches WHEN n > 10;
                END LOOP;
                RAISE NOTICE 'done %', n;
                PERFORM pg_sleep(0);
                BEGIN
                    ALTER TABLE t ADD CONSTRAINT c CHECK (a <> '') NOT VALID;
                EXCEPTION WHEN duplicate_object THEN NULL;
                END;
            END $body$;
            """;

        // When
        var report = SqlLinter.Analyze(sql, "do.sql");

        // Then the UPDATE and the ALTER are linted (and are safe); nothing PL/pgSQL-only became a statement
        report.Findings.ShouldBeEmpty();
        report.Statements.Select(s => s.Sql.Split(' ')[0]).ShouldBe(["SET", "SET", "UPDATE", "ALTER"]);
    }

    [Fact]
    public void Analyze_WholeTableUpdateInsideADoBlock_IsReported()
    {
        // Given
        const string sql = "SET lock_timeout = '1s'; SET statement_timeout = '1min';\nDO $$ BEGIN UPDATE t SET a = 1; END $$;";

        // When
        var rules = SqlLinter.Analyze(sql, "do.sql").Findings.Select(f => f.RuleId);

        // Then
        rules.ShouldBe([LintRules.WholeTableDml.Id]);
    }
}
