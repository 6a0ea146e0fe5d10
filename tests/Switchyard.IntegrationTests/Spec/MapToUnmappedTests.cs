using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Invariants;

namespace Switchyard.IntegrationTests.Spec;

public sealed class MapToUnmappedTests(UnmappedValuesLedger db) : IClassFixture<UnmappedValuesLedger>
{
    private static readonly string Spec = UnmappedValuesLedger.SpecWithPolicy("{ map_to: unknown }");

    private async Task BackfillAsync()
    {
        var apply = await CliRunner.RunAsync(["apply", Spec, "--to", "backfill", .. FlagshipSpec.Connect(db)]);
        apply.ExitCode.ShouldBe(0, apply.StdErr);
    }

    [Fact]
    public async Task Backfill_UnderMapTo_ReportsAndJournalsEachMappedValueWithItsExactCount()
    {
        // Given unmapped NULL, '' and 'pending' rows under unmapped: { map_to: unknown }
        var before = await db.InvariantsAsync();

        // When the migration backfills
        await BackfillAsync();

        // Then one journal event lists every value the policy mapped, with its exact count and keys
        var message = await db.ScalarAsync<string>("SELECT message FROM switchyard.events WHERE kind = 'backfill.unmapped_mapped' ORDER BY id LIMIT 1");
        message.ShouldNotBeNull();
        message.ShouldContain("5 row(s)");
        message.ShouldContain("'pending' ×3 (keys 13, 14, 15)");
        message.ShouldContain("NULL ×1 (keys 11)");
        message.ShouldContain("'' ×1 (keys 12)");
        (await db.ScalarAsync<long>("SELECT sum((v->>'rows')::bigint)::bigint FROM switchyard.events e, jsonb_array_elements(e.data->'values') v WHERE e.kind = 'backfill.unmapped_mapped' AND e.id = (SELECT min(id) FROM switchyard.events WHERE kind = 'backfill.unmapped_mapped')")).ShouldBe(5);
        (await db.ScalarAsync<long>("SELECT count(*) FROM transactions t JOIN transaction_state s ON s.id = t.state_id WHERE s.code = 'unknown'")).ShouldBe(5);
        (await db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    [Fact]
    public async Task InvariantsAndValidate_OnRowsTheMapToPolicyMapped_AgreeThereIsNoDisagreement()
    {
        // Given the ledger backfilled under map_to
        await BackfillAsync();
        var mapping = SpecLoader.LoadFile(Spec).Operations.OfType<NormalizeColumnOperation>().Single().Target;

        // When validate and the ledger invariants judge it with the spec's mapping
        var validate = await CliRunner.RunAsync(["validate", "--spec", Spec, "--phase", "backfilled", "--checks", "completeness,mismatch,orphans,counts", .. FlagshipSpec.Connect(db)]);
        var invariants = await LedgerInvariantsReader.ReadAsync(db.DataSource, null, mapping, CancellationToken.None);
        var cli = await CliRunner.RunSampleAsync(["ledger", "invariants", "--spec", Spec, .. FlagshipSpec.Connect(db)]);

        // Then both find no disagreement, and the invariants count the five rows the policy mapped apart
        validate.ExitCode.ShouldBe(0, validate.StdOut + validate.StdErr);
        invariants.StatusStateDisagreements.ShouldBe(0);
        invariants.PolicyMapped.ShouldBe(5);
        invariants.StateMissing.ShouldBe(0);
        cli.ExitCode.ShouldBe(0, cli.StdErr);
        cli.StdOut.ShouldContain("status_state_disagreements=0 policy_mapped=5");
    }
}
