using System.Text.Json;
using Switchyard.Core.Linting;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Linting;

/// <summary>Its own ledger: the test moves it to mid-migration with the engine.</summary>
public sealed class SpecLintMidMigrationTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task LintSpec_FlagshipAfterExpand_DoesNotBlameTheDropOnTheDualWriteFunctionTheSpecDropsFirst()
    {
        // Given the flagship expanded by the engine: its dual-write function, which reads status, exists in the target
        var apply = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "expand", "--no-guards", .. FlagshipSpec.Connect(db)]);
        apply.ExitCode.ShouldBe(0, apply.StdErr + apply.StdOut);
        (await db.ScalarAsync<bool>("SELECT to_regprocedure('public.switchyard_sync_transactions_status()') IS NOT NULL")).ShouldBeTrue();

        // When
        var lint = await CliRunner.RunAsync(["lint", FlagshipSpec.Path, "--json", .. FlagshipSpec.Connect(db)]);

        // Then the drop of status stays the migration's one warning, and names the function as dropped before it
        lint.ExitCode.ShouldBe(0, lint.StdErr + lint.StdOut);
        using var json = JsonDocument.Parse(lint.StdOut);
        var findings = json.RootElement.GetProperty("statements").EnumerateArray().SelectMany(s => s.GetProperty("findings").EnumerateArray()).ToList();
        var drop = findings.ShouldHaveSingleItem();
        drop.GetProperty("rule_id").GetString().ShouldBe(LintRules.DropColumnInUse.Id);
        drop.GetProperty("severity").GetString().ShouldBe("warning");
        drop.GetProperty("message").GetString()!.ShouldContain("Dropped by an earlier statement of this file, so not counted: function switchyard_sync_transactions_status()");
    }
}
