using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runbook;

/// <summary>Each operation writes its own runbook text; a migration without flags gets no flag rollout in its runbook.</summary>
public sealed class RunbookPerOperationTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    public static TheoryData<string, string, string[]> Operations => new()
    {
        {
            "money-type", """{"operations":[{"alter_column":{"table":"transactions","column":"amount_minor","type":"numeric(20,0)","up":"amount_minor::numeric(20,0)","down":"amount_minor::bigint","check":{"name":"transactions_amount_minor_check","constraint":"amount_minor > 0"}}}]}""",
            ["| alter_column | public.transactions | Changes public.transactions.amount_minor to numeric(20,0) on a shadow column", "The old version writes amount_minor in its old type"]
        },
        {
            "rename", """{"operations":[{"rename_column":{"table":"transactions","from":"auth_code","to":"authorization_code"}}]}""",
            ["| rename_column | public.transactions | Renames column public.transactions.auth_code to authorization_code in Contract", "Until Contract both versions use auth_code; from Contract only authorization_code exists."]
        },
        {
            "computed-not-null", """{"operations":[{"add_column":{"table":"transactions","column":{"name":"amount_major","type":"bigint","nullable":false},"up":"amount_minor / 100"}}]}""",
            ["| add_column | public.transactions | Adds column public.transactions.amount_major bigint in Expand, nullable until proven", "NOT NULL follows in Validate", "the trigger fills it from up on its writes"]
        },
        {
            "check-fix", """{"operations":[{"create_constraint":{"table":"transactions","name":"currency_iso","type":"check","columns":["currency"],"check":"length(currency) = 3","up":{"currency":"left(currency, 3)"},"down":{"currency":"currency"}}}]}""",
            ["| create_constraint | public.transactions | Adds check constraint currency_iso on public.transactions (currency): a trigger applies up to every write and the backfill fixes existing rows", "the old version's writes pass through up"]
        },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Runbook_OperationWithoutFlags_DescribesItselfAndHasNoFlagRollout(string name, string migration, string[] expected)
    {
        // Given a pgroll-format migration of one operation on the ledger's transactions table
        var file = Path.Combine(Directory.CreateTempSubdirectory("switchyard-runbook-op-").FullName, $"{name}.json");
        await File.WriteAllTextAsync(file, migration);
        var spec = SpecLoader.LoadFile(file);
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));

        // When its runbook is built
        var markdown = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, await TableSizeReader.ReadAsync(db.Runner(), plan.TargetTable, CancellationToken.None)));

        // Then the operation's own text is in the table of operations
        markdown.ShouldContain("\n## What changes, operation by operation\n");
        foreach (var text in expected) markdown.ShouldContain(text);
        // And nothing of a normalization's flag rollout, preflight or report equivalence is claimed
        plan.FlagKey.ShouldBeNull();
        foreach (var flagOnly in new[] { "app v2", "flags go shadow", "unmapped preflight", "Report equivalence", "mismatch guard", "## Phase 4: Cutover" })
            markdown.ShouldNotContain(flagOnly);
        markdown.ShouldContain("There are no flags to flip");
        // And the sequencing tells each version which search path shows it its own shape
        var schemas = plan.VersionSchemas.ShouldNotBeNull();
        markdown.ShouldContain($"`Search Path={schemas.New},public`");
        markdown.ShouldContain($"`Search Path={schemas.Previous},public`");
        plan.Phases.Where(p => p.GateNeedsPeople).Select(p => p.Phase).ShouldBe([MigrationPhase.Cutover]);
    }

    [Fact]
    public async Task Runbook_Normalization_KeepsTheFlagRolloutAndListsItsOperations()
    {
        // Given the flagship normalization spec
        var spec = SpecLoader.LoadFile(Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml"));
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));

        // When its runbook is built
        var markdown = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, await TableSizeReader.ReadAsync(db.Runner(), plan.TargetTable, CancellationToken.None)));

        // Then each spec operation has a row, and the flag rollout and preflight are there
        plan.Operations.Select(o => o.Kind).ShouldBe(spec.Operations.Select(o => o.Kind));
        markdown.ShouldContain("| normalize_column | public.transactions | Replaces text column public.transactions.status with lookup table");
        markdown.ShouldContain("flags go shadow");
        markdown.ShouldContain("unmapped preflight");
        markdown.ShouldContain("\n## Phase 4: Cutover\n");
    }
}
