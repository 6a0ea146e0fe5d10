using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.App.V1;

namespace Switchyard.IntegrationTests.VersionSchemas;

/// <summary>The ledger's app v1, unchanged, runs through a rename of a column it writes, with only its Search Path set to the previous version's schema.</summary>
public sealed class LedgerAppVersionSchemaTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task LedgerAppV1_RenameOfAuthCodeUntilContract_WorksUnchangedThroughPreviousVersionSchema()
    {
        // Given app v1 whose connection string only adds Search Path=<previous version>,public, and app v2's session on the new version
        var spec = SpecLoader.Load("version_schema: ledger_v2\noperations:\n  - rename_column: { table: transactions, from: auth_code, to: authorization_code }\n", "rename_auth_code.yaml");
        await using var v1Source = DataSourceFactory.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { SearchPath = "ledger_v2_previous,public" }.ConnectionString);
        await using var v2 = new VersionSession(db, "ledger_v2");
        var v1 = new LedgerAppV1(v1Source);
        var engine = new MigrationEngine(db.Runner());
        var seen = new List<string>();
        foreach (var phase in new[] { MigrationPhase.Expand, MigrationPhase.Backfill, MigrationPhase.Validate })
        {
            // When the migration reaches each phase and v1 runs a payment's lifecycle
            (await engine.ApplyAsync(spec, new ApplyOptions { To = phase }, CancellationToken.None)).State.ShouldNotBe("failed");
            var id = await v1.AuthorizeAsync(1, 1, 1234, "EUR", CancellationToken.None);
            (await v1.CaptureAsync(id, CancellationToken.None)).ShouldBeTrue();
            (await v1.SettleAsync(id, CancellationToken.None)).ShouldBeTrue();
            var status = await v1.ReadStatusAsync(id, CancellationToken.None);
            var recent = await v1.RecentTransactionsAsync(1, 5, CancellationToken.None);
            await v1.ReadBalanceAsync(1, CancellationToken.None);

            // Then v1 reads its own writes, and v2 reads v1's auth code under the new name
            var code = await db.ScalarAsync<string>($"SELECT auth_code FROM transactions WHERE id = {id}");
            await using (var resolve = v1Source.CreateCommand("SELECT relnamespace::regnamespace::text || '.' || relkind::text FROM pg_class WHERE oid = 'transactions'::regclass"))
                ((string)(await resolve.ExecuteScalarAsync())!).ShouldBe("ledger_v2_previous.v", "v1 runs through the previous version's view");
            seen.Add($"{status}:{recent.Any(r => r.Id == id)}:{code?.Length}:{await v2.TextAsync($"SELECT authorization_code FROM transactions WHERE id = {id}") == code}");
        }
        seen.ShouldBe(["settled:True:6:True", "settled:True:6:True", "settled:True:6:True"]);

        // When Contract runs (v1 gone), Then the column has its new name and v2 still reads it through its schema
        (await engine.ApplyAsync(spec, new ApplyOptions { Confirm = spec.Name }, CancellationToken.None)).State.ShouldBe("completed");
        (await v2.TextAsync("SELECT count(*) FROM transactions WHERE authorization_code IS NOT NULL"))
            .ShouldBe((await db.ScalarAsync<long>("SELECT count(*) FROM public.transactions WHERE authorization_code IS NOT NULL")).ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await db.ScalarAsync<bool>("SELECT to_regnamespace('ledger_v2_previous') IS NULL")).ShouldBeTrue();
    }
}
