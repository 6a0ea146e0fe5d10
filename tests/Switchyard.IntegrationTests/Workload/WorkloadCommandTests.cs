using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Workload;

public sealed class WorkloadCommandTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public WorkloadCommandTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task WorkloadRun_Json_PrintsSnakeCaseWithEveryOperationTypeAndNoFailures()
    {
        // Given a seeded ledger
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM transactions");

        // When the CLI runs a short workload with --json
        var result = await CliRunner.RunSampleAsync(["workload", "run", "--tps", "40", "--duration", "3s", "--report-every", "1s", "--json", "-c", _db.ConnectionString]);

        // Then it exits 0 and the JSON has every operation type, no failures, and the authorizations it counted are in the ledger
        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("total_failed").GetInt64().ShouldBe(0);
        root.GetProperty("target_operations_per_second").GetDouble().ShouldBe(40);
        var operations = root.GetProperty("operations").EnumerateArray().ToDictionary(o => o.GetProperty("kind").GetString()!);
        operations.Keys.ShouldBe(["authorize", "capture", "settle", "refund", "chargeback", "balance_read", "risk_read", "regulatory_report"], ignoreOrder: true);
        operations["regulatory_report"].GetProperty("count").GetInt64().ShouldBeGreaterThan(0);
        operations["authorize"].GetProperty("p99_ms").GetDouble().ShouldBeGreaterThan(0);
        var authorized = operations["authorize"].GetProperty("succeeded").GetInt64();
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions")).ShouldBe(before + authorized);
        root.GetProperty("timeline").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("--tps", "0", "--tps must be between 0.001 and 1000000, got 0.")]
    [InlineData("--duration", "soon", "'soon' is not a positive duration")]
    public async Task WorkloadRun_BadInput_IsRejectedWithAClearErrorAndChangesNothing(string option, string value, string message)
    {
        // Given a seeded ledger
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM transactions");

        // When the CLI is given a bad value
        var result = await CliRunner.RunSampleAsync(["workload", "run", option, value, "-c", _db.ConnectionString]);

        // Then it fails with a message naming the option and the ledger is unchanged
        result.ExitCode.ShouldNotBe(0);
        (result.StdErr + result.StdOut).ShouldContain(message);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions")).ShouldBe(before);
    }

    [Fact]
    public async Task WorkloadRun_DatabaseWithoutALedger_SaysToSeedOne()
    {
        // Given an empty database
        var empty = new TestDatabase();
        await empty.InitializeAsync();
        try
        {
            // When the workload is pointed at it
            var result = await CliRunner.RunSampleAsync(["workload", "run", "--tps", "10", "--duration", "1s", "-c", empty.ConnectionString]);

            // Then it fails, naming the database and the command that fixes it, and creates nothing
            result.ExitCode.ShouldNotBe(0);
            result.StdErr.ShouldContain("holds no ledger");
            result.StdErr.ShouldContain("switchyard-ledger ledger seed");
            (await empty.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).ShouldBe(0);
        }
        finally
        {
            await empty.DisposeAsync();
        }
    }
}
