using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runbook;

public sealed class RunbookTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static string SpecPath => Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    private async Task<(MigrationPlan Plan, RunbookTableSize Size)> PlanAsync()
    {
        var spec = SpecLoader.LoadFile(SpecPath);
        var live = await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None);
        var plan = MigrationPlanner.Build(spec, live);
        return (plan, await TableSizeReader.ReadAsync(db.Runner(), plan.TargetTable, CancellationToken.None));
    }

    [Fact]
    public async Task Runbook_Flagship_HasEverySectionTheChangeBoardReads()
    {
        // Given
        var (plan, size) = await PlanAsync();

        // When
        var doc = RunbookBuilder.Build(plan, size);
        var markdown = RunbookRenderer.Markdown(doc);

        // Then
        string[] expected =
        [
            "## Summary and risk", "## Deployment sequencing", "## Point of no return", "## Who is told what", "### SRE", "### Compliance", "### Product",
        ];
        foreach (var heading in expected) markdown.ShouldContain("\n" + heading + "\n");
        // SRE is told how the suite reads the table and warned that chunk scans push the payments' cached pages out
        markdown.ShouldContain($"The completeness, orphans and counts checks each read {plan.TargetTable}");
        markdown.ShouldContain("push the payments' cached pages out");
        foreach (var phase in Enum.GetValues<MigrationPhase>())
        {
            markdown.ShouldContain($"\n## Phase {(int)phase}: {phase}\n");
            foreach (var part in new[] { "steps", "go / no-go checks", "signals that pause or roll back", "rollback" })
                markdown.ShouldContain($"\n### {phase}: {part}\n");
        }
    }

    [Fact]
    public async Task Runbook_SignalTables_ShowTheSpecsGuardThresholdsOverTheDefaults()
    {
        // Given the flagship with a guards section that tightens replication lag
        var spec = SpecLoader.Load(await File.ReadAllTextAsync(SpecPath) + "\nguards:\n  rules:\n    replication_lag_bytes: { slow_at: 4MiB, pause_at: 32MiB, resume_below: 2MiB }\n", SpecPath);
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));

        // When
        var markdown = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, await TableSizeReader.ReadAsync(db.Runner(), plan.TargetTable, CancellationToken.None)));

        // Then the backfill's signal table has the spec's row, and untouched signals keep their defaults
        var backfill = markdown[markdown.IndexOf("### Backfill: signals that pause or roll back", StringComparison.Ordinal)..];
        backfill.ShouldContain("| replication_lag_bytes | 4 MiB | 32 MiB | 2 MiB |");
        backfill.ShouldContain("| replication_lag_seconds | 2 | 10 | 1 |");
    }

    [Fact]
    public async Task Runbook_EachPhase_StatesItsStrongestLockSqlAndThePointOfNoReturn()
    {
        // Given
        var (plan, size) = await PlanAsync();

        // When
        var markdown = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, size));

        // Then each phase's strongest lock from the plan is printed in its phase table
        foreach (var phase in plan.Phases)
        {
            var strongest = phase.Steps.Select(s => s.Lock).DefaultIfEmpty(LockMode.None).Max();
            var section = markdown[markdown.IndexOf($"## Phase {(int)phase.Phase}: {phase.Phase}", StringComparison.Ordinal)..];
            section.ShouldContain($"| strongest lock | {LockModes.SqlName(strongest)}");
            foreach (var step in phase.Steps) section.ShouldContain(step.Sql.Trim().Split('\n')[0]);
        }
        markdown.ShouldContain("| strongest lock | ROW EXCLUSIVE on public.transactions");
        markdown.ShouldContain("SHARE UPDATE EXCLUSIVE on public.transactions (concurrently)");
        markdown.ShouldContain("Point of no return: Phase Contract");
        markdown.ShouldContain($"--confirm {plan.Name}");
        markdown.ShouldContain("| point of no return | YES");
        markdown.ShouldContain("ALTER TABLE \"public\".\"transactions\" DROP COLUMN IF EXISTS \"status\"");
        // Sequencing, and each audience's key facts
        markdown.ShouldContain("Expand runs before app v2 deploys");
        markdown.ShouldContain("Cutover starts only when v2 is fully deployed");
        markdown.ShouldContain("Contract starts only when no v1 instance is left");
        markdown.ShouldContain($"switchyard pause -m {plan.Name}");
        markdown.ShouldContain($"switchyard abort -m {plan.Name}");
        markdown.ShouldContain("lock_timeout 50/100/200 ms (first, second, later attempts)");
        markdown.ShouldContain("Report equivalence");
        markdown.ShouldContain($"switchyard evidence {plan.Name}");
        markdown.ShouldContain("Expected user impact: none");
    }

    [Fact]
    public async Task Runbook_ValidateGoNoGo_SaysHowTheSuiteReadsTheTableAtItsSize()
    {
        // Given the seeded table, and the same table as if it were 4 GiB
        var (plan, size) = await PlanAsync();
        var big = size with { Pages = 4L * 1024 * 1024 * 1024 / 8192 };

        // When
        var small = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, size));
        var large = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, big));

        // Then
        small.ShouldContain("The completeness, orphans and counts checks each read public.transactions");
        small.ShouldContain("in one parallel sequential scan through a small ring buffer");
        large.ShouldContain("~4.0 GiB, above the 2048 MB single-pass limit) in short chunks");
        // and the flagship builds its pair index at Validate, so mismatch reads that instead of the heap at any size
        foreach (var text in new[] { small, large })
            text.ShouldContain("Once index transactions_state_id_status_idx is built (a step of this phase), the mismatch check reads no heap row: it lists the distinct (legacy value, id) pairs of that index by skip scan");
        large.ShouldNotContain("one parallel sequential scan");
        large.ShouldContain("push the payments' cached pages out");
    }

    [Fact]
    public async Task Runbook_Durations_ScaleWithTheTableSizeAndTheRates()
    {
        // Given the seeded table's planner statistics
        var (plan, size) = await PlanAsync();
        size.Rows.ShouldNotBeNull();
        size.Rows.Value.ShouldBeInRange(db.Seeded.Transactions * 9 / 10, db.Seeded.Transactions * 11 / 10);
        var backfill = plan.Steps.Single(s => s.Kind == StepKind.Backfill);

        // When
        var slow = RunbookBuilder.Estimate(backfill, size, new RunbookRates { BackfillRowsPerSecond = 100 });
        var fast = RunbookBuilder.Estimate(backfill, size, new RunbookRates { BackfillRowsPerSecond = 10_000 });
        var markdown = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, size, new RunbookRates { BackfillRowsPerSecond = 100 }));

        // Then
        slow.TotalSeconds.ShouldBe(size.Rows.Value / 100.0, 0.001);
        (slow.TotalSeconds / fast.TotalSeconds).ShouldBe(100, 0.001);
        markdown.ShouldContain($"{size.Rows.Value:N0} rows at 100 rows/s, given by the operator;");
        markdown.ShouldContain($"| backfill rate (estimates) | 100 rows/s, given by the operator; {BackfillRateSource.NoSlo} |");
    }

    [Fact]
    public async Task CliRunbook_Html_IsWrittenWithEscapedSql()
    {
        // Given
        var file = Path.Combine(Path.GetTempPath(), $"runbook-{Guid.NewGuid():N}.html");

        // When
        var result = await CliRunner.RunAsync(["runbook", SpecPath, "--format", "html", "--out", file, "-c", db.ConnectionString]);

        // Then
        result.ExitCode.ShouldBe(0, result.StdErr);
        var html = await File.ReadAllTextAsync(file);
        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("<h2>Summary and risk</h2>");
        html.ShouldContain("<h2>Phase 5: Contract</h2>");
        html.ShouldContain("<h3>Compliance</h3>");
        html.ShouldContain("&quot;transactions&quot;");
        html.ShouldNotContain("\"public\".\"transactions\"");
    }
}
