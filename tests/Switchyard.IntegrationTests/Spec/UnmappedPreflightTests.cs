using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Spec;

public sealed class UnmappedPreflightTests(UnmappedValuesLedger db) : IClassFixture<UnmappedValuesLedger>
{
    [Fact]
    public async Task PlanAndApply_UnderFailWithNullAndEmptyValues_ListEachExactlyAndCreateNothing()
    {
        // Given unmapped NULL, '' and 'pending' rows, and the catalog before
        var spec = UnmappedValuesLedger.SpecWithPolicy("fail");
        var before = await FlagshipSpec.SnapshotAsync(db);
        var invariants = await db.InvariantsAsync();

        // When the migration is planned and applied
        var plan = await CliRunner.RunAsync(["plan", spec, .. FlagshipSpec.Connect(db)]);
        var apply = await CliRunner.RunAsync(["apply", spec, .. FlagshipSpec.Connect(db)]);

        // Then both refuse before Expand, listing every value with its exact count and sample keys, and nothing changed
        foreach (var result in new[] { plan, apply })
        {
            result.ExitCode.ShouldBe(4, result.StdErr);
            result.StdErr.ShouldContain("3 value(s) in 5 row(s)");
            result.StdErr.ShouldContain("'pending' ×3 (keys 13, 14, 15)");
            result.StdErr.ShouldContain("NULL ×1 (keys 11)");
            result.StdErr.ShouldContain("'' ×1 (keys 12)");
            result.StdErr.ShouldNotContain("~");
            result.StdErr.ShouldContain("map_to");
            result.StdErr.ShouldNotContain("   at ");
        }
        (await FlagshipSpec.SnapshotAsync(db)).Diff(before).ShouldBeEmpty();
        (await db.ScalarAsync<bool>("SELECT to_regclass('transaction_state') IS NULL AND to_regclass('switchyard.migrations') IS NULL")).ShouldBeTrue();
        (await db.InvariantsAsync()).ShouldBe(invariants);
    }

    [Fact]
    public async Task Plan_UnderAddToLookupWithNull_RefusesAndTheHintNeverSuggestsThePolicyInUse()
    {
        // Given NULL rows, which add_to_lookup cannot turn into a code
        var spec = UnmappedValuesLedger.SpecWithPolicy("add_to_lookup");
        var before = await FlagshipSpec.SnapshotAsync(db);

        // When the migration is planned
        var plan = await CliRunner.RunAsync(["plan", spec, .. FlagshipSpec.Connect(db)]);

        // Then it names the NULL rows and suggests map_to or filling them, never add_to_lookup again
        plan.ExitCode.ShouldBe(4, plan.StdErr);
        plan.StdErr.ShouldContain("NULL ×1 (keys 11)");
        var hint = plan.StdErr[plan.StdErr.IndexOf("hint:", StringComparison.Ordinal)..];
        hint.ShouldContain("map_to");
        hint.ShouldContain("IS NULL");
        hint.ShouldNotContain("add_to_lookup");
        (await FlagshipSpec.SnapshotAsync(db)).Diff(before).ShouldBeEmpty();
    }
}
