using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>`validate` on a migration without a normalization runs the row proofs of its operations' gates (a type change here).</summary>
public sealed class RowProofValidateTests() : DatabaseWithFolder("rowproof-")
{
    [Fact]
    public async Task Validate_TypeChange_RefusesBeforeExpandPassesAfterBackfillAndFailsOnADisagreeingRow()
    {
        // Given a table of text prices and a pgroll migration changing them to numeric
        var create = Path.Combine(Folder, "01_items.yaml");
        await File.WriteAllTextAsync(create, "operations:\n  - create_table:\n      name: items\n      columns:\n        - { name: id, type: int, pk: true }\n        - { name: price, type: text, nullable: true }\n");
        (await CliRunner.RunAsync(["apply", create, "-c", Db.ConnectionString, "--no-guards"])).ExitCode.ShouldBe(0);
        await Db.ExecuteAsync("INSERT INTO items VALUES (1, '1.50'), (2, '2'), (3, NULL)");
        var change = Path.Combine(Folder, "02_price.yaml");
        await File.WriteAllTextAsync(change, "operations:\n  - alter_column: { table: items, column: price, type: numeric, up: price::numeric, down: price::text }\n");

        // When validate runs before Expand, after the backfill, and after one shadow value is changed behind the trigger
        var early = await CliRunner.RunAsync(["validate", "--spec", change, "-c", Db.ConnectionString]);
        (await CliRunner.RunAsync(["apply", change, "--to", "backfill", "-c", Db.ConnectionString, "--no-guards"])).ExitCode.ShouldBe(0);
        var proven = await CliRunner.RunAsync(["validate", "--spec", change, "--json", "-c", Db.ConnectionString]);
        await Db.ExecuteAsync("BEGIN; SET LOCAL session_replication_role = replica; UPDATE items SET _sy_new_price = 99 WHERE id = 2; COMMIT;");
        var broken = await CliRunner.RunAsync(["validate", "--spec", change, "--json", "-c", Db.ConnectionString]);

        // Then the early run says to apply first and changes nothing
        early.ExitCode.ShouldNotBe(0);
        early.StdErr.ShouldContain("--to backfill");
        early.StdErr.ShouldNotContain("   at ");
        // and the proof passes over every row, then fails on the one row naming the count, each run stored as evidence of the migration
        proven.ExitCode.ShouldBe(0, proven.StdErr);
        var passed = JsonDocument.Parse(proven.StdOut).RootElement;
        passed.GetProperty("passed").GetBoolean().ShouldBeTrue();
        var check = passed.GetProperty("checks")[0];
        check.GetProperty("check").GetString().ShouldEndWith("items.price.proof");
        check.GetProperty("failures").GetInt64().ShouldBe(0);
        broken.ExitCode.ShouldBe(3, broken.StdErr);
        var failed = JsonDocument.Parse(broken.StdOut).RootElement.GetProperty("checks")[0];
        failed.GetProperty("failures").GetInt64().ShouldBe(1);
        failed.GetProperty("detail").GetString().ShouldStartWith("1 row(s) of public.items");
        (await Db.ScalarAsync<long>("SELECT count(DISTINCT run_id) FROM switchyard.validation_results r JOIN switchyard.migrations m ON m.id = r.migration_id WHERE m.name = '02_price'")).ShouldBe(2);
        (await Db.ScalarAsync<decimal>("SELECT sum(_sy_new_price) FROM items WHERE id <> 2")).ShouldBe(1.50m);
    }
}
