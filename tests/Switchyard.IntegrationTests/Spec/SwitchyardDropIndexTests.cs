using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Spec;

/// <summary>drop_index in Switchyard's own format: the operation pgroll's format already had, registered with one line.</summary>
public sealed class SwitchyardDropIndexTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string Name = "003-drop-orders-status-index";

    [Fact]
    public async Task Apply_DropIndexSpec_KeepsTheIndexUntilContractThenDropsItConcurrently()
    {
        // Given a table with an index and a Switchyard spec that drops it
        await db.ExecuteAsync("""
            CREATE TABLE orders_di (id bigint PRIMARY KEY, status text NOT NULL);
            CREATE INDEX orders_di_status_idx ON orders_di (status);
            INSERT INTO orders_di SELECT g, 'paid' FROM generate_series(1, 100) g;
            """);
        var spec = Path.Combine(Directory.CreateTempSubdirectory("switchyard-drop-index-").FullName, "drop.yaml");
        await File.WriteAllTextAsync(spec, $"""
            migration: {Name}
            operations:
              - drop_index: {"{"} name: orders_di_status_idx {"}"}
            """);

        // When the plan is printed
        var plan = await CliRunner.RunAsync(["plan", spec, "-c", db.ConnectionString]);

        // Then its one step drops the index CONCURRENTLY in Contract, past the point of no return
        plan.ExitCode.ShouldBe(0, plan.StdOut + plan.StdErr);
        plan.StdOut.ShouldContain("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_di_status_idx\"");

        // When it is applied without confirming Contract
        var held = await CliRunner.RunAsync(["apply", spec, "--no-guards", "-c", db.ConnectionString]);

        // Then the index is still there
        held.ExitCode.ShouldBe(0, held.StdOut + held.StdErr);
        (await db.ScalarAsync<bool>("SELECT to_regclass('public.orders_di_status_idx') IS NOT NULL")).ShouldBeTrue();

        // When Contract is confirmed
        var contracted = await CliRunner.RunAsync(["apply", spec, "--no-guards", "--confirm", Name, "-c", db.ConnectionString]);

        // Then the index is gone, the table and its rows untouched
        contracted.ExitCode.ShouldBe(0, contracted.StdOut + contracted.StdErr);
        (await db.ScalarAsync<bool>("SELECT to_regclass('public.orders_di_status_idx') IS NULL")).ShouldBeTrue();
        (await db.ScalarAsync<long>("SELECT count(*) FROM orders_di")).ShouldBe(100);
    }
}
