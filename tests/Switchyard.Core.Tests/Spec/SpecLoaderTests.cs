using Switchyard.Core.Operations;
using Switchyard.Core.Operations.CreateIndex;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Core.Tests.Spec;

public sealed class SpecLoaderTests
{
    internal static string FlagshipPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("flagship spec");
    }

    [Fact]
    public void LoadFile_FlagshipSpec_ResolvesToTheSharedLedgerNormalizationTarget()
    {
        // Given / When
        var spec = SpecLoader.LoadFile(FlagshipPath());

        // Then
        spec.Name.ShouldBe("001-normalize-transaction-status");
        var target = spec.Operations.OfType<NormalizeColumnOperation>().Single().Target;
        var expected = LedgerFlagship.Target();
        target.CodeSql("x").ShouldBe(expected.CodeSql("x"));
        target.Codes.ShouldBe(expected.Codes);
        (target with { Aliases = expected.Aliases, Codes = expected.Codes }).ShouldBe(expected);
        spec.Operations.Select(o => o.Kind).ShouldBe(["normalize_column", "add_foreign_key", "create_index", "create_index", "set_not_null", "drop_column"]);
        spec.Operations.OfType<CreateIndexOperation>().Select(i => string.Join(",", i.Columns)).ShouldBe(["state_id", "state_id,status"]);
    }

    [Fact]
    public void Build_FlagshipSpec_PlanHasEveryPhaseWithLocksRollbacksAndContractAsThePointOfNoReturn()
    {
        // Given
        var spec = SpecLoader.LoadFile(FlagshipPath());

        // When
        var plan = MigrationPlanner.Build(spec, new Dictionary<Switchyard.Core.Execution.QualifiedName, IReadOnlyList<Switchyard.Core.Catalog.CatalogColumn>>());

        // Then
        plan.Phases.Select(p => p.Phase).ShouldBe([MigrationPhase.Expand, MigrationPhase.Backfill, MigrationPhase.Validate, MigrationPhase.Cutover, MigrationPhase.Contract]);
        plan.Phases.Single(p => p.PointOfNoReturn).Phase.ShouldBe(MigrationPhase.Contract);
        plan.FlagKey.ShouldBe("public.transactions.status");
        var indexes = plan.Steps.Where(s => s.Sql.Contains("CREATE INDEX CONCURRENTLY", StringComparison.Ordinal)).ToList();
        indexes.Select(i => i.Key).ShouldBe(["validate.transactions.transactions_state_id_idx", "validate.transactions.transactions_state_id_status_idx"]);
        indexes.ShouldAllBe(i => i.Concurrently && i.Statement!.RepairBeforeRetry != null && i.Phase == MigrationPhase.Validate);
        plan.Steps.ShouldAllBe(s => !s.RewritesTable);
        plan.Steps.Where(s => s.Phase == MigrationPhase.Expand).ShouldAllBe(s => s.Rollback != null);
        plan.Steps.Single(s => s.Sql.Contains("FOREIGN KEY", StringComparison.Ordinal)).Sql.ShouldEndWith("NOT VALID");
        plan.Phase(MigrationPhase.Validate).Steps[0].Kind.ShouldBe(StepKind.Gate);
    }

    [Theory]
    [InlineData("migration: x\noperations:\n  - add_colum: {table: t, name: a, type: text}\n", "spec.yaml:3:5", "unknown operation 'add_colum'")]
    [InlineData("migration: x\noperations:\n  - create_index: {table: t, columns: [a], concurrently: false}\n", "spec.yaml:3:58", "always builds CONCURRENTLY")]
    [InlineData("migration: x\noperations: [\n", "spec.yaml:3:1", "malformed YAML")]
    [InlineData("migration: x\noperations:\n  - normalize_column:\n      table: t\n      column: s\n      target_column: s_id\n      lookup: {table: l, codes: [a]}\n      unmapped: {map_to: b}\n", "spec.yaml:8:26", "map_to 'b' is not one of the lookup codes")]
    [InlineData("migration: x\noperations:\n  - add_column: {table: t, name: a, type: text, nullable: false}\n", "spec.yaml:3:17", "NOT NULL without a default")]
    public void Load_BadSpec_NamesFileLineColAndHowToFix(string yaml, string where, string what) =>
        SpecErrors.ShouldFailAt(yaml, "spec.yaml", where, what);
}
