using System.Text.Json;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Invariants;

namespace Switchyard.IntegrationTests.Spec;

public sealed class SpecGuardsApplyTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_SpecGuardRule_StopsTheBackfillAndLooseningItLetsTheSameMigrationContinue()
    {
        // Given the flagship spec with a guards section whose WAL-rate rule aborts at any WAL at all
        var before = await LedgerInvariantsReader.ReadAsync(db.DataSource, CancellationToken.None);
        var flagship = await File.ReadAllTextAsync(FlagshipSpec.Path);
        var dir = Directory.CreateTempSubdirectory("switchyard-spec-guards-");
        var strict = Path.Combine(dir.FullName, "strict.yaml");
        var loose = Path.Combine(dir.FullName, "loose.yaml");
        await File.WriteAllTextAsync(strict, flagship + "\nguards:\n  rules:\n    wal_bytes_per_second: { abort_at: 0 }\n");
        await File.WriteAllTextAsync(loose, flagship + "\nguards:\n  rules:\n    wal_bytes_per_second: { abort_at: off }\n");

        // When apply runs through Backfill with the strict spec
        var stopped = await CliRunner.RunAsync(["apply", strict, "--to", "backfill", "--json", .. FlagshipSpec.Connect(db)]);

        // Then the backfill stops, naming the spec's signal, and no row has lost money
        stopped.ExitCode.ShouldNotBe(0, stopped.StdOut + stopped.StdErr);
        (stopped.StdOut + stopped.StdErr).ShouldContain("wal_bytes_per_second");
        var missing = await db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id IS NULL");
        missing.ShouldBeGreaterThan(0);
        var mid = await LedgerInvariantsReader.ReadAsync(db.DataSource, CancellationToken.None);
        mid.SameMoneyAs(before).ShouldBeTrue();

        // When the operator loosens the rule (only the guards section changed, so the journal accepts the spec) and re-runs
        var resumed = await CliRunner.RunAsync(["apply", loose, "--to", "backfill", "--json", .. FlagshipSpec.Connect(db)]);

        // Then the same migration continues and the backfill completes
        resumed.ExitCode.ShouldBe(0, resumed.StdOut + resumed.StdErr);
        (await db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id IS NULL")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.migrations")).ShouldBe(1);
        var after = await LedgerInvariantsReader.ReadAsync(db.DataSource, CancellationToken.None);
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StatusStateDisagreements.ShouldBe(0);
        dir.Delete(true);
    }
}
