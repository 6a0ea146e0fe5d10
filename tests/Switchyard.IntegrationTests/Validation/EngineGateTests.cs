using Switchyard.Core;
using Switchyard.Core.Engine;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// The suite as the engine's gate, on a ledger migrated by the real engine (Expand, backfill, Validate, Contract):
/// it passes on the engine's shapes, journals its evidence under the migration, and blocks a phase on a defect.
/// </summary>
public sealed class EngineGateTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public EngineGateTests(LedgerDatabase db) => _db = db;

    private static MigrationSpec Spec() =>
        SpecLoader.LoadFile(Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml"));

    private MigrationEngine Engine() => new(_db.Runner(), gate: new ValidationSuiteGate(LedgerFlagship.Reconciliation(), Options(MigrationShape.Backfilled)));

    private static ValidationOptions Options(MigrationShape shape) => new() { ChunkKeys = 3_000, Shape = shape };

    private Task<ValidationReport> SuiteAsync(MigrationShape shape) =>
        new ValidationSuite(_db.Runner(), LedgerFlagship.Target(), LedgerFlagship.Reconciliation(), Options(shape)).RunAsync(null, false, CancellationToken.None);

    [Fact]
    public async Task EngineMigration_GateBlocksOnAPlantedMismatch_ThenPassesAndEveryShapeValidates()
    {
        var before = await _db.InvariantsAsync();

        // Given the engine's Expand and backfill, then one row's id changed behind the trigger's back
        await Engine().ApplyAsync(Spec(), new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None);
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions WHERE status = 'settled' ORDER BY id LIMIT 1 OFFSET 321");
        await _db.ExecuteAsync($"SET switchyard.role = 'backfill'; UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'refunded') WHERE id = {id}; RESET switchyard.role");

        // When the engine reaches the gate before Validate
        var blocked = await Should.ThrowAsync<SwitchyardException>(() => Engine().ApplyAsync(Spec(), new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None));

        // Then the phase is blocked naming the failing checks and the row, and the evidence is journaled under the migration
        blocked.Message.ShouldContain("mismatch");
        blocked.Message.ShouldContain($"id={id}");
        (await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.validation_results WHERE check_name = 'mismatch' AND outcome = 'failed' AND migration_id IS NOT NULL")).ShouldBe(1);

        // When the row is repaired (the backfill way) and the engine runs on
        await _db.ExecuteAsync($"SET switchyard.role = 'backfill'; UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'settled') WHERE id = {id}; RESET switchyard.role");
        await _db.ExecuteAsync("UPDATE switchyard.migrations SET state = 'active'");
        await Engine().ApplyAsync(Spec(), new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);

        // Then the engine's validated shape meets every Validate expectation
        var validated = await SuiteAsync(MigrationShape.Validated);
        validated.FailingChecks.ShouldBeEmpty(string.Join("\n", validated.Results.Select(r => $"{r.Check}: {r.Detail}")));
        validated.Results.Single(r => r.Check == "catalog").Findings.Where(f => f.Note!.StartsWith("ok", StringComparison.Ordinal)).Select(f => f.Key)
            .ShouldBe(["lookup_table", "lookup_codes", "target_column", "foreign_key", "foreign_key_validated", "target_index_valid", "target_not_null", "dual_write_trigger", "source_column"]);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
