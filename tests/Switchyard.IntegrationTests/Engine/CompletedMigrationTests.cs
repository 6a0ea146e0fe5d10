using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>Issue 16 item 10: plan and runbook on a migration the journal records as complete say so.</summary>
public sealed class CompletedMigrationTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task PlanAndRunbook_CompletedMigration_OneLineSayingCompleteExit0()
    {
        // Given the flagship run to the end through the CLI
        (await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--no-guards", .. FlagshipSpec.Connect(db)])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(["cutover", "--reads", "new_only", "--percent", "100", "--writes", "new", .. FlagshipSpec.Connect(db)])).ExitCode.ShouldBe(0);
        var contract = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--no-guards", "--confirm", FlagshipSpec.Name, .. FlagshipSpec.Connect(db)]);
        contract.StdOut.ShouldContain("Migration complete", customMessage: contract.StdErr);

        // When
        var plan = await CliRunner.RunAsync(["plan", FlagshipSpec.Path, .. FlagshipSpec.Connect(db)]);
        var planJson = await CliRunner.RunAsync(["plan", FlagshipSpec.Path, "--json", .. FlagshipSpec.Connect(db)]);
        var runbook = await CliRunner.RunAsync(["runbook", FlagshipSpec.Path, .. FlagshipSpec.Connect(db)]);

        // Then both say the migration is complete, with when, and print no plan
        var expected = $"migration {FlagshipSpec.Name} is complete (contracted at ";
        foreach (var result in new[] { plan, runbook })
        {
            result.ExitCode.ShouldBe(0, result.StdErr);
            result.StdErr.ShouldBeEmpty();
            result.StdOut.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith(expected);
            result.StdOut.ShouldNotContain("Expand");
        }
        planJson.ExitCode.ShouldBe(0, planJson.StdErr);
        using var json = JsonDocument.Parse(planJson.StdOut);
        json.RootElement.GetProperty("state").GetString().ShouldBe("completed");
        json.RootElement.GetProperty("message").GetString()!.ShouldStartWith(expected);
    }
}
