using Switchyard.Core.Journal;
using Switchyard.Core.Operations;
using Switchyard.EntityFrameworkCore;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.EntityFramework.Model;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.EntityFramework;

/// <summary>Issue 20 items 1 and 3: <c>switchyard ef apply</c> runs EF's flagship migration online and <c>dotnet ef migrations list</c> agrees.</summary>
public sealed class EfApplyTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task EfApply_FlagshipThroughContract_KeepsEveryRowAndTheMoneyAndDotnetEfListsItApplied()
    {
        // Given a seeded 20k-row legacy ledger and EF's flagship migration, cleaned the way the ledger's statuses need
        var assembly = typeof(LedgerDbContext).Assembly.Location;
        var migration = EfMigrationsAssembly.Read(assembly, "NormalizeTransactionStatus");
        var ledger = LedgerFlagship.Target();
        string[] ef = ["ef", "apply", "--assembly", assembly, "--migration", "NormalizeTransactionStatus", "--normalize", "trim,lower",
            .. ledger.Aliases.SelectMany(a => new[] { "--alias", $"{a.Key}={a.Value}" }), "-c", db.ConnectionString];
        var before = await db.InvariantsAsync();
        var rows = await db.ScalarAsync<long>("SELECT count(*) FROM transactions");

        // When ef apply runs to the Cutover gate, people flip the flags, and ef apply --confirm runs Contract
        var first = await CliRunner.RunAsync(ef);
        first.ExitCode.ShouldBe(0, first.StdOut + first.StdErr);
        first.StdOut.ShouldContain("deploy app v2");
        (await db.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = '__EFMigrationsHistory'")).ShouldBe(0);
        (await CliRunner.RunAsync(["cutover", "--reads", "shadow", "--writes", "both", "-c", db.ConnectionString])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(["cutover", "--reads", "new_only", "--percent", "100", "--writes", "new", "-c", db.ConnectionString])).ExitCode.ShouldBe(0);
        var contract = await CliRunner.RunAsync([.. ef, "--confirm", migration.Id]);
        var listedAfterContract = await DotnetEf.ListAsync(db.ConnectionString);
        // InitialLedger predates EF here (the ledger's own schema): ef baseline records it once its tables are checked
        var baseline = await CliRunner.RunAsync(["ef", "baseline", "--assembly", assembly, "--migration", "InitialLedger", "-c", db.ConnectionString]);
        var listedAfterBaseline = await DotnetEf.ListAsync(db.ConnectionString);

        // Then the migration completed with no row lost, the money unchanged, status gone, and EF's history has the migration
        contract.ExitCode.ShouldBe(0, contract.StdOut + contract.StdErr);
        contract.StdOut.ShouldContain("Migration complete");
        (await db.ScalarAsync<long>("SELECT count(*) FROM transactions")).ShouldBe(rows);
        (await db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id IS NULL")).ShouldBe(0);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        (await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'status' AND NOT attisdropped)")).ShouldBeFalse();
        (await db.ScalarAsync<string>($"SELECT state FROM switchyard.migrations WHERE name = '{migration.Id}'")).ShouldBe(MigrationStates.Completed);
        (await db.ScalarAsync<string>($"SELECT \"ProductVersion\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = '{migration.Id}'")).ShouldBe(migration.ProductVersion);
        // and the real dotnet ef agrees: the flagship applied, InitialLedger pending until the baseline, then nothing pending
        listedAfterContract.ShouldBe([(EfMigrationsAssembly.List(assembly)[0], false), (migration.Id, true)]);
        baseline.ExitCode.ShouldBe(0, baseline.StdOut + baseline.StdErr);
        listedAfterBaseline.ShouldAllBe(m => m.Applied);
        listedAfterBaseline.Count.ShouldBe(2);
    }
}
