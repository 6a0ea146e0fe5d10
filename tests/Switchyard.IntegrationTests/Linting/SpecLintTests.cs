using Switchyard.Core.Execution;
using Switchyard.Core.Linting;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Linting;

public sealed class SpecLintTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static string SpecPath => Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    private async Task<MigrationPlan> PlanAsync()
    {
        var spec = SpecLoader.LoadFile(SpecPath);
        return MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));
    }

    [Fact]
    public async Task Lint_FlagshipPlan_IsCleanButForTheContractDropAndNoStepTakesMoreThanItDeclares()
    {
        // Given
        var plan = await PlanAsync();
        var binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        var before = await db.InvariantsAsync();

        // When
        var report = await SpecLinter.AnalyzeAndMeasureAsync(plan, new SafeSqlOptions(), SpecPath, db.Settings, binaries, db.Runner(), CancellationToken.None);

        // Then no errors; the only warning is the Contract's DROP COLUMN status, which is the point of the migration
        report.Errors.ShouldBe(0, string.Join("\n", report.Findings.Select(f => $"{f.RuleId} {f.Message}")));
        report.Findings.Where(f => f.Severity == LintSeverity.Warning).Select(f => f.RuleId).ShouldBe([LintRules.DropColumnInUse.Id]);
        var (_, stepAt) = SpecLinter.ToSql(plan, new SafeSqlOptions());
        foreach (var (index, step) in stepAt)
        {
            var m = report.Statements[index].Measurement.ShouldNotBeNull();
            m.Status.ShouldBeOneOf([MeasurementStatus.Measured, MeasurementStatus.NotPossibleInTransaction], $"{step.Key}: {m.Note}");
            if (m.Status != MeasurementStatus.Measured || step.LockTable is null) continue;
            ((int)m.LockOn(QualifiedName.Parse(step.LockTable).ToString())).ShouldBeLessThanOrEqualTo((int)step.Lock, $"{step.Key}: {string.Join(", ", m.Locks)}");
            m.Rewrote.ShouldBe(step.RewritesTable, step.Key);
        }
        // And the target ledger was not touched
        (await db.InvariantsAsync()).ShouldBe(before);
        (await db.ScalarAsync<bool>("SELECT to_regclass('public.transaction_state') IS NULL")).ShouldBeTrue();
    }
}
