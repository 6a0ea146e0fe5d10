using Switchyard.Core.Backfill;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runbook;

public sealed class RunbookBackfillRateTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static string SpecPath => Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    [Fact]
    public async Task RunbookEstimate_AfterARealBackfillOfTheTable_UsesItsMeasuredRateAndSaysSo()
    {
        // Given the flagship's Expand run on the seeded ledger, nothing backfilled yet
        var spec = SpecLoader.LoadFile(SpecPath);
        var target = await new BenchExpand(db.Runner()).ApplySpecAsync(spec, CancellationToken.None);
        var before = await BackfillRateReader.ReadAsync(db.Runner(), target.Table, CancellationToken.None);

        // When the table is backfilled for real and the runbook is built from what the journal now holds
        var outcome = await new BackfillRunner(db.Runner()).RunAsync(
            new BackfillRequest(spec.Name, target, new BackfillOptions { Workers = 2, AnalyzeWhenDone = true }), [], null, CancellationToken.None);
        var measured = await BackfillRateReader.ReadAsync(db.Runner(), target.Table, CancellationToken.None);
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));
        var size = await TableSizeReader.ReadAsync(db.Runner(), plan.TargetTable, CancellationToken.None);
        var rates = RunbookRates.From(measured);
        var markdown = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, size, rates));

        // Then before the backfill the estimate fell back to the documented default, saying so
        before.Origin.ShouldBe(BackfillRateOrigin.Default);
        RunbookRates.From(before).BackfillRateText.ShouldContain("the documented default");
        // and after it the rate is the run's own (its rows over its time), named as measured, with no SLO to assume
        outcome.ShouldBeOfType<BackfillCompleted>();
        measured.Origin.ShouldBe(BackfillRateOrigin.LastBackfill);
        measured.RowsPerSecond.ShouldBeGreaterThan(0);
        measured.RowsPerSecond.ShouldNotBe(BackfillRateSource.Default.RowsPerSecond);
        markdown.ShouldContain($"measured: the last completed backfill of {target.Table} (migration {spec.Name}, {outcome.Stats.RowsUpdated:N0} rows in");
        markdown.ShouldContain(BackfillRateSource.NoSlo);
        markdown.ShouldContain($"rows at {measured.RowsPerSecond:N0} rows/s, measured by the table's last completed backfill;");
        var backfill = plan.Steps.Single(s => s.Kind == StepKind.Backfill);
        RunbookBuilder.Estimate(backfill, size, rates).TotalSeconds.ShouldBe(size.Rows!.Value / measured.RowsPerSecond, 0.001);
    }
}
