using System.Text.Json;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Linting;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Linting;

/// <summary>Statements the linter used to pass as ok, and a target it could not clone.</summary>
public sealed class LintBlindSpotTests(LedgerSchemaDatabase db) : IClassFixture<LedgerSchemaDatabase>
{
    private const string Timeouts = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n";

    private async Task<LintReport> LintAsync(string sql)
    {
        var binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        return await SqlLinter.AnalyzeAndMeasureAsync(sql, "blind.sql", db.Settings, binaries, db.Runner(), CancellationToken.None);
    }

    private static async Task<string> WriteAsync(string sql)
    {
        var file = Path.Combine(Path.GetTempPath(), $"lint-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, sql);
        return file;
    }

    [Fact]
    public async Task AddColumnReferences_OnABusyTable_IsAValidatedForeignKeyError()
    {
        // When
        var report = await LintAsync(Timeouts + "ALTER TABLE transactions ADD COLUMN merchant2_id bigint REFERENCES merchants (id);\n");

        // Then
        var row = report.Statements[2];
        row.Findings.ShouldHaveSingleItem().RuleId.ShouldBe(LintRules.ForeignKeyWithoutNotValid.Id);
        row.Findings[0].Severity.ShouldBe(LintSeverity.Error);
        row.Measurement!.LockOn("public.transactions").ShouldBe(LockMode.AccessExclusive);
        row.Measurement.LockOn("public.merchants").ShouldBe(LockMode.ShareRowExclusive);
    }

    [Fact]
    public async Task StatementFailingOnTheClone_TakingAccessExclusive_IsStillAnError()
    {
        // Given a default the clone cannot evaluate (the function is missing there), so it cannot measure a rewrite
        const string sql = Timeouts + "ALTER TABLE transactions ADD COLUMN risk_score int DEFAULT risk_score_of_the_day();\n";

        // When
        var report = await LintAsync(sql);

        // Then
        var row = report.Statements[2];
        row.Measurement!.Status.ShouldBe(MeasurementStatus.Failed);
        var finding = row.Findings.ShouldHaveSingleItem();
        finding.RuleId.ShouldBe(LintRules.UnmeasuredAccessExclusive.Id);
        finding.Severity.ShouldBe(LintSeverity.Error);
        finding.Message.ShouldContain("risk_score_of_the_day() does not exist");
    }

    [Fact]
    public async Task StatementFailingOnTheClone_WithALighterLock_IsNotAnAlarm()
    {
        // Given a NOT VALID foreign key the target already has (as mid-migration): SHARE ROW EXCLUSIVE, no scan
        await db.ExecuteAsync("ALTER TABLE transactions ADD COLUMN IF NOT EXISTS merchant3_id bigint");
        await db.ExecuteAsync("ALTER TABLE transactions ADD CONSTRAINT transactions_merchant3_fk FOREIGN KEY (merchant3_id) REFERENCES merchants (id) NOT VALID");

        // When
        var report = await LintAsync(Timeouts + "ALTER TABLE transactions ADD CONSTRAINT transactions_merchant3_fk FOREIGN KEY (merchant3_id) REFERENCES merchants (id) NOT VALID;\n");

        // Then
        report.Statements[2].Measurement!.Status.ShouldBe(MeasurementStatus.Failed);
        report.Findings.ShouldBeEmpty();
        await db.ExecuteAsync("ALTER TABLE transactions DROP COLUMN merchant3_id");
    }

    [Fact]
    public async Task Cli_EfIdempotentScript_ReportsTheIndexInsideDoEfWithItsLocation()
    {
        // Given the shape of `dotnet ef migrations script --idempotent`
        var file = await WriteAsync("""
            CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
                "MigrationId" character varying(150) NOT NULL,
                "ProductVersion" character varying(32) NOT NULL,
                CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId")
            );

            START TRANSACTION;
            DO $EF$
            BEGIN
                IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "MigrationId" = '20240101000000_X') THEN
                CREATE INDEX "IX_transactions_merchant_currency" ON transactions (merchant_id, currency);
                END IF;
            END $EF$;
            COMMIT;
            """);

        // When
        var lint = await CliRunner.RunAsync(["lint", file, "--json", "-c", db.ConnectionString]);

        // Then
        lint.ExitCode.ShouldBe(2, lint.StdErr + lint.StdOut);
        using var json = JsonDocument.Parse(lint.StdOut);
        var index = json.RootElement.GetProperty("statements").EnumerateArray()
            .Single(s => s.GetProperty("sql").GetString()!.StartsWith("CREATE INDEX", StringComparison.Ordinal));
        (index.GetProperty("line").GetInt32(), index.GetProperty("column").GetInt32()).ShouldBe((11, 5));
        index.GetProperty("in_transaction_block").GetBoolean().ShouldBeTrue();
        index.GetProperty("measurement").GetProperty("strongest_table_lock").GetString().ShouldBe("share");
        index.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule_id").GetString()).ShouldContain(LintRules.IndexWithoutConcurrently.Id);
    }

    [Fact]
    public async Task Cli_ConnectionStringWithAPassword_ClonesTheSchemaThroughAPasswordFile()
    {
        // Given a role that can only log in with its password (the cluster asks for scram over TCP), and no passfile
        var role = "lint_pw_" + Guid.NewGuid().ToString("N")[..8];
        const string password = "p:w\\x'y z";
        await using (var cmd = db.DataSource.CreateCommand($"CREATE ROLE {Ident.Quote(role)} LOGIN CREATEDB PASSWORD {Ident.Literal(password)} IN ROLE pg_read_all_data"))
            await cmd.ExecuteNonQueryAsync();
        var target = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = password, Passfile = null };
        var file = await WriteAsync(Timeouts + "ALTER TABLE merchants ADD COLUMN nickname text;\n");
        try
        {
            // When
            var lint = await CliRunner.RunAsync(["lint", file, "-c", target.ConnectionString]);

            // Then
            lint.ExitCode.ShouldBe(0, lint.StdErr + lint.StdOut);
            lint.StdOut.ShouldContain($"locks measured on a schema-only clone of {role}@");
            lint.StdOut.ShouldContain("public.merchants: ACCESS EXCLUSIVE");
        }
        finally
        {
            await db.ExecuteAsync($"DROP ROLE {Ident.Quote(role)}");
        }
    }
}
