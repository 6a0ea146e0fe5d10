using Switchyard.Core.Connections;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Cli.Proof;

namespace Switchyard.IntegrationTests.Demo;

/// <summary>
/// Issue 17's acceptance at small scale: the four pgroll operations on a seeded ledger under app v1's payments traffic,
/// run by the real switchyard program, rolled back exactly from every phase before Contract, then run to the end; app
/// v1 runs through its previous version's schema of views.
/// </summary>
public sealed class OperationProofTests : IAsyncLifetime
{
    // The proof drops and recreates this database for each operation; the fixture drops it at the end.
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task ProveOperations_AllFourOnASmallLedger_RollbacksExactAndContractKeepsEveryCent()
    {
        // Given a 5,000-row ledger per operation in the test cluster, and all four operations
        var options = new ProofOptions
        {
            Server = new ConnectionSettings(_db.Cluster.ConnectionString(), "test", true),
            Binaries = await PostgresBinaries.LocateAsync(null, CancellationToken.None),
            MigratorPath = Path.Combine(AppContext.BaseDirectory, "switchyard.dll"),
            Operations = ProvedOperation.Select("all"),
            Database = _db.Name,
            Rows = 5_000,
            OperationsPerSecond = 20,
            PhaseTime = TimeSpan.FromSeconds(0.25),
        };

        // When the proof runs
        var results = await new OperationProofRunner(options, _ => { }).RunAsync(CancellationToken.None);

        // Then every rollback left the schema dump identical, and each phase that changes the schema was seen changing it
        results.Select(r => r.Operation.Name).ShouldBe(["money-type", "rename", "computed-not-null", "check-fix"]);
        foreach (var r in results)
        {
            r.Rollbacks.Select(p => p.Phase).ShouldBe(["expand", "backfill", "validate"], r.Operation.Name);
            foreach (var p in r.Rollbacks)
            {
                (p.ApplyExit, p.RollbackExit).ShouldBe((0, 0), $"{r.Operation.Name} {p.Phase}");
                p.Diff.ShouldBeEmpty($"{r.Operation.Name} after rolling back from {p.Phase}");
                // Every phase changed the schema (a rename's version schemas at least), so an identical dump is a real undo
                p.SchemaChanged.ShouldBeTrue($"{r.Operation.Name} {p.Phase}");
                // And app v1, changed only in its search path, ran through its version's views while the new version showed the new shape
                p.Versions.OldAppResolvesTo.ShouldBe(r.Operation.PreviousVersionSchema, $"{r.Operation.Name} {p.Phase}");
                p.Versions.NewVersionColumns.Split(", ").ShouldContain(r.Operation.NewVersionShows, $"{r.Operation.Name} {p.Phase}");
            }
            r.IgnoredJournalEntries.ShouldBeGreaterThan(0);

            // And expand → contract kept every cent under traffic with 0 failed operations and met the operation's promise
            r.ContractExit.ShouldBe(0, r.Operation.Name);
            r.ProblemsAfterContract.ShouldBe(0, r.Operation.Name);
            r.Workload.ShouldNotBeNull().TotalOperations.ShouldBeGreaterThan(0);
            r.Workload.TotalFailed.ShouldBe(0, $"{r.Operation.Name}: {string.Join(" | ", r.Workload.Operations.SelectMany(o => o.Errors))}");
            var inv = r.Invariants.ShouldNotBeNull();
            inv.SeededMoneySame.ShouldBeTrue($"{r.Operation.Name}: {inv.SeededBefore} vs {inv.SeededAfter}");
            inv.TotalsExplained.ShouldBeTrue(r.Operation.Name);
            r.AmountsSame.ShouldBeTrue(r.Operation.Name);
            r.Problems.ShouldBeEmpty(r.Operation.Name);
        }
        // The check had rows to fix; app v1 survives a type change and a check, not a rename or a new NOT NULL column
        results.Single(r => r.Operation.Name == "check-fix").ViolatorsBeforeContract.ShouldNotBeNull().ShouldBeGreaterThan(0);
        results.Where(r => !r.Operation.OldAppSurvivesContract).ShouldAllBe(r => r.OldAppAfterContract.StartsWith("breaks", StringComparison.Ordinal));
    }
}
