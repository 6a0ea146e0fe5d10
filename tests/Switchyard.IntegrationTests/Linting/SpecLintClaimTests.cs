using Switchyard.Core.Execution;
using Switchyard.Core.Linting;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Linting;

/// <summary>A step answers the lint rules its SQL trips by design; a rule it does not answer still counts.</summary>
public sealed class SpecLintClaimTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private async Task<MigrationPlan> PlanAsync(string name, string migration)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("switchyard-lint-claim-").FullName, $"{name}.json");
        await File.WriteAllTextAsync(file, migration);
        var spec = SpecLoader.LoadFile(file);
        return MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));
    }

    [Fact]
    public async Task Lint_TypeChangeSwap_DropAndRenameOfTheShadowAreAnsweredAsInfo()
    {
        // Given a type change of a money column (its check declared again), whose Contract swaps the shadow column into place
        var plan = await PlanAsync("money-type", """{"operations":[{"alter_column":{"table":"transactions","column":"amount_minor","type":"numeric(20,0)","up":"amount_minor::numeric(20,0)","down":"amount_minor::bigint","check":{"name":"transactions_amount_minor_check","constraint":"amount_minor > 0"}}}]}""");

        // When its plan is linted
        var report = SpecLinter.Analyze(plan, new SafeSqlOptions(), "money-type.json");

        // Then the swap's DROP COLUMN and RENAME are reported as info, answered by the swap step with the plan's reason
        report.Errors.ShouldBe(0, string.Join("\n", report.Findings.Select(f => $"{f.RuleId} {f.Severity} {f.Message}")));
        report.Warnings.ShouldBe(0);
        var answered = report.Findings.Where(f => f.RuleId is "SY009" or "SY010").ToList();
        answered.Select(f => f.RuleId).Order().ShouldBe(["SY009", "SY010"]);
        answered.ShouldAllBe(f => f.Severity == LintSeverity.Info && f.Message.StartsWith("Answered by step contract.1.transactions.amount_minor.swap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lint_RenameColumn_StaysAnErrorSinceRunningCodeUsesTheOldName()
    {
        // Given a rename of a column applications read
        var plan = await PlanAsync("rename", """{"operations":[{"rename_column":{"table":"transactions","from":"auth_code","to":"authorization_code"}}]}""");

        // When its plan is linted
        var report = SpecLinter.Analyze(plan, new SafeSqlOptions(), "rename.json");

        // Then the rename is still an error: nothing in the plan answers it
        report.Findings.ShouldContain(f => f.RuleId == "SY009" && f.Severity == LintSeverity.Error);
    }
}
