using System.Text.Json;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Validation;

/// <summary><c>switchyard validate</c> through the real binary: exit codes, JSON, and the evidence it journals.</summary>
public sealed class ValidateCliTests : IClassFixture<MigratedLedger>
{
    private readonly MigratedLedger _db;

    public ValidateCliTests(MigratedLedger db) => _db = db;

    [Fact]
    public async Task CleanLedger_ExitsZero_ReportsSeqScanAndPerCheckSecondsAndJournalsEvidence()
    {
        // When
        var result = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "-c", _db.ConnectionString, "--json", "--chunk-keys", "3000"]);

        // Then
        result.ExitCode.ShouldBe(0, result.StdErr + result.StdOut);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("passed").GetBoolean().ShouldBeTrue();
        root.GetProperty("seq_scan_seconds").GetDouble().ShouldBeGreaterThan(0);
        root.GetProperty("seq_scan_rows").GetInt64().ShouldBe(20_000);
        root.GetProperty("mismatch_to_seq_scan_ratio").GetDouble().ShouldBeGreaterThan(0);
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        checks.Select(c => c.GetProperty("check").GetString()).ShouldBe(ValidationSuite.AllChecks.Select(c => c.Name));
        checks.ShouldAllBe(c => c.GetProperty("seconds").GetDouble() > 0 && c.GetProperty("outcome").GetString() == "passed");
        var runId = root.GetProperty("run_id").GetString();
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.validation_results WHERE run_id = '{runId}' AND outcome = 'passed'")).ShouldBe(8);
        (await _db.ScalarAsync<string>($"SELECT message FROM switchyard.events WHERE kind = 'validation' AND data->>'run_id' = '{runId}'"))
            .ShouldBe("validation of public.transactions (backfilled): 8 passed, 0 failed, 0 not applicable");
    }

    [Fact]
    public async Task PlantedNull_ExitsNonZero_NamesTheFailingChecksAndKeyAndJournalsTheFailure()
    {
        // Given
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions ORDER BY id LIMIT 1 OFFSET 1234");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = NULL WHERE id = {id}");
        try
        {
            // When
            var table = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "-c", _db.ConnectionString, "--checks", "completeness,counts,mismatch"]);
            var json = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "-c", _db.ConnectionString, "--checks", "completeness", "--json"]);

            // Then
            table.ExitCode.ShouldBe(ValidateCommandsExitCodes.ChecksFailed, table.StdErr + table.StdOut);
            table.StdOut.ShouldContain("completeness: 1 of 20000 rows NULL");
            table.StdOut.ShouldContain("2 failed (completeness, counts)");
            json.ExitCode.ShouldBe(ValidateCommandsExitCodes.ChecksFailed);
            using var doc = JsonDocument.Parse(json.StdOut);
            var check = doc.RootElement.GetProperty("checks")[0];
            check.GetProperty("failures").GetInt64().ShouldBe(1);
            check.GetProperty("sample_keys")[0].GetString().ShouldBe($"id={id}");
            var runId = doc.RootElement.GetProperty("run_id").GetString();
            (await _db.ScalarAsync<string[]>($"SELECT sample_keys FROM switchyard.validation_results WHERE run_id = '{runId}' AND check_name = 'completeness' AND outcome = 'failed'"))
                .ShouldBe([$"id={id}"]);
        }
        finally
        {
            await _db.ExecuteAsync($"UPDATE transactions t SET state_id = l.id FROM transaction_state l WHERE t.id = {id} AND l.code = {_db.Target.CodeSql("t.status")}");
        }
    }

    [Fact]
    public async Task MismatchRead_HeapIgnoresThePairIndex_AndAnUnknownValueIsRefused()
    {
        // Given the pair index on the backfilled ledger
        await _db.ExecuteAsync("CREATE INDEX IF NOT EXISTS transactions_state_id_status_idx ON transactions (state_id, status)");
        try
        {
            // When
            var auto = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "-c", _db.ConnectionString, "--checks", "mismatch", "--json"]);
            var heap = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "-c", _db.ConnectionString, "--checks", "mismatch", "--json", "--mismatch-read", "heap"]);
            var bogus = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "-c", _db.ConnectionString, "--checks", "mismatch", "--mismatch-read", "index"]);

            // Then
            auto.ExitCode.ShouldBe(0, auto.StdErr);
            heap.ExitCode.ShouldBe(0, heap.StdErr);
            auto.StdOut.ShouldContain("of index transactions_state_id_status_idx (skip scan)");
            heap.StdOut.ShouldContain("in 1 parallel pass");
            bogus.ExitCode.ShouldNotBe(0);
            bogus.ExitCode.ShouldNotBe(ValidateCommandsExitCodes.ChecksFailed);
            bogus.StdErr.ShouldContain("--mismatch-read must be auto or heap, got 'index'.");
        }
        finally
        {
            await _db.ExecuteAsync("DROP INDEX IF EXISTS transactions_state_id_status_idx");
        }
    }

    [Fact]
    public async Task Validate_NoSpecAndNoJournaledMigration_OneLineErrorAskingForSpecAndNothingJournaled()
    {
        // Given a migrated ledger whose journal names no migration (the shape was made without the engine)
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'validation_results'") > 0
            ? await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.validation_results") : 0;

        // When validate runs without --spec
        var result = await CliRunner.RunAsync(["validate", "-c", _db.ConnectionString, "--checks", "completeness"]);

        // Then it does not guess a table: one line asks for the spec, naming the database, and nothing is stored
        result.ExitCode.ShouldBe(2, result.StdOut + result.StdErr);
        result.StdErr.ShouldContain("validate needs a migration spec: none was given and the journal of ");
        result.StdErr.ShouldContain("Pass --spec FILE");
        result.StdErr.ShouldNotContain("   at ");
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'validation_results'") > 0
            ? await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.validation_results") : 0).ShouldBe(before);
    }

    [Fact]
    public async Task UnknownCheckName_ClearErrorNonZero_NothingJournaled()
    {
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'validation_results'") > 0
            ? await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.validation_results") : 0;

        var result = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "-c", _db.ConnectionString, "--checks", "mismatch,colour"]);

        result.ExitCode.ShouldNotBe(0);
        result.ExitCode.ShouldNotBe(ValidateCommandsExitCodes.ChecksFailed);
        result.StdErr.ShouldContain("--checks must be a comma-separated list of catalog, sampling");
        result.StdErr.ShouldContain("'colour' is not one");
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'validation_results'") > 0
            ? await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.validation_results") : 0).ShouldBe(before);
    }

    [Fact]
    public async Task StoringTheSameRunTwice_KeepsOneSetOfEvidence()
    {
        // Given
        var report = await _db.Suite().RunAsync(["orphans", "catalog"], false, CancellationToken.None);

        // When
        await ValidationEvidence.StoreAsync(_db.Runner(), report, null, CancellationToken.None);
        await ValidationEvidence.StoreAsync(_db.Runner(), report, null, CancellationToken.None);

        // Then
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.validation_results WHERE run_id = '{report.RunId}'")).ShouldBe(2);
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.events WHERE data->>'run_id' = '{report.RunId}'")).ShouldBe(1);
    }

    /// <summary>The CLI's exit code for failed checks (internal to the CLI; restated so the test reads plainly).</summary>
    private static class ValidateCommandsExitCodes
    {
        public const int ChecksFailed = Switchyard.Cli.Commands.ValidateCommands.ChecksFailed;
    }
}
