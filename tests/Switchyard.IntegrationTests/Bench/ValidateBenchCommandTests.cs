using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Bench;

public sealed class ValidateBenchCommandTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task BenchValidate_OneRound_TimesTheMismatchCheckNextToBothCountsOverEveryRow()
    {
        // Given an empty database (the bench seeds and migrates its own ledger)

        // When the validation benchmark runs one round
        var result = await CliRunner.RunSampleAsync(["bench", "validate", "--rows", "20000", "--repeat", "2", "--chunk-keys", "3000", "--json", "-c", db.ConnectionString]);

        // Then the mismatch check read every row and found the clean ledger clean, and both ratios are reported
        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("rows").GetInt64().ShouldBe(20_000);
        var rounds = root.GetProperty("rounds").EnumerateArray().ToList();
        rounds.Count.ShouldBe(2);
        foreach (var round in rounds)
        {
            round.GetProperty("rows_examined").GetInt64().ShouldBe(20_000);
            round.GetProperty("failures").GetInt64().ShouldBe(0);
            foreach (var field in new[] { "seq_scan_seconds", "plain_count_seconds", "mismatch_seconds", "ratio", "ratio_to_plain_count" })
                round.GetProperty(field).GetDouble().ShouldBeGreaterThan(0, field);
        }
        root.GetProperty("median_ratio_to_plain_count").GetDouble().ShouldBeGreaterThan(0);
    }
}
