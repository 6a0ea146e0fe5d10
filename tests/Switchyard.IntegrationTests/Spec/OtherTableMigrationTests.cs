using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Spec;

/// <summary>A migration of a table that is not the ledger: the gates check what the spec creates, with the table's own columns.</summary>
public sealed class OtherTableMigrationTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string Operations = """
        migration: 002-orders-status
        operations:
          - normalize_column:
              table: orders
              column: status
              key: id
              target_column: status_id
              lookup: { table: order_status, codes: [new, paid, shipped] }
              normalize: [trim, lower]

        """;

    private const string Validation = """
        validation:
          time_column: placed_at
          amount_column: total_cents
          balance_group_column: customer_id
          balances: { open: [new, paid], shipped: [shipped] }
          report_columns: []
        """;

    [Fact]
    public async Task ApplyAndValidate_OtherTableSpec_UseItsColumnsAndSkipWhatItDoesNotCreate()
    {
        // Given an orders table with its own column names, dirty statuses, and no foreign key/index/NOT NULL in the spec
        await db.ExecuteAsync("""
            CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL,
                                 total_cents bigint NOT NULL, placed_at timestamptz NOT NULL);
            INSERT INTO orders (customer_id, status, total_cents, placed_at)
            SELECT g % 50, (ARRAY['new', 'paid', 'shipped', ' Paid'])[1 + g % 4], g * 7, timestamptz '2026-11-01' + g * interval '7 minutes'
            FROM generate_series(1, 4000) g;
            """);
        var dir = Directory.CreateTempSubdirectory("switchyard-orders-");
        var bare = Path.Combine(dir.FullName, "bare.yaml");
        var full = Path.Combine(dir.FullName, "full.yaml");
        await File.WriteAllTextAsync(bare, Operations);
        await File.WriteAllTextAsync(full, Operations + Validation);

        // When the migration runs through its Validate gate
        var apply = await CliRunner.RunAsync(["apply", full, "--to", "validate", "--no-guards", "-c", db.ConnectionString]);

        // Then the gate passed
        apply.ExitCode.ShouldBe(0, apply.StdOut + apply.StdErr);
        (await db.ScalarAsync<long>("SELECT count(*) FROM orders WHERE status_id IS NULL")).ShouldBe(0);

        // When validate runs with the spec that names the columns, and with one that does not
        var named = await ValidateAsync(full);
        var unnamed = await ValidateAsync(bare);

        // Then every check ran on the orders' own columns and passed; the catalog did not ask for objects the spec never creates
        foreach (var check in new[] { "completeness", "mismatch", "counts", "reconciliation", "downstream" })
        {
            named[check].GetProperty("outcome").GetString().ShouldBe("passed", check + ": " + named[check]);
            named[check].GetProperty("rows_examined").GetInt64().ShouldBe(4000, check);
        }
        named["catalog"].GetProperty("outcome").GetString().ShouldBe("passed", named["catalog"].ToString());
        named["catalog"].GetProperty("detail").GetString()!.ShouldContain("not applicable");
        // and without the names, the money checks say which columns to name instead of failing on SQL
        foreach (var check in new[] { "counts", "reconciliation", "downstream" })
        {
            unnamed[check].GetProperty("outcome").GetString().ShouldBe("not_applicable", check);
            unnamed[check].GetProperty("detail").GetString()!.ShouldContain("validation section");
        }
        unnamed["mismatch"].GetProperty("outcome").GetString().ShouldBe("passed");

        // When a row gets a wrong id
        (await db.ScalarAsync<string>("SELECT status FROM orders WHERE id = 9")).ShouldBe("paid");
        // (as the backfill role, which the dual-write trigger lets through: any other writer would get status derived too)
        await db.ExecuteAsync("BEGIN; SET LOCAL switchyard.role = 'backfill'; UPDATE orders SET status_id = (SELECT id FROM order_status WHERE code = 'shipped') WHERE id = 9; COMMIT;");
        var planted = await ValidateAsync(full);

        // Then mismatch, counts and reconciliation see it
        planted["mismatch"].GetProperty("failures").GetInt64().ShouldBe(1);
        planted["mismatch"].GetProperty("sample_keys").EnumerateArray().Select(k => k.GetString()).ShouldBe(["id=9"]);
        planted["counts"].GetProperty("outcome").GetString().ShouldBe("failed");
        planted["reconciliation"].GetProperty("outcome").GetString().ShouldBe("failed");

        // And a spec that allows one mismatch lets that check pass while still counting it
        var tolerant = Path.Combine(dir.FullName, "tolerant.yaml");
        await File.WriteAllTextAsync(tolerant, Operations + Validation + "\n  thresholds: { mismatch: 1 }\n");
        var allowed = await ValidateAsync(tolerant);
        allowed["mismatch"].GetProperty("outcome").GetString().ShouldBe("passed");
        allowed["mismatch"].GetProperty("failures").GetInt64().ShouldBe(1);
        allowed["mismatch"].GetProperty("threshold").GetInt64().ShouldBe(1);
        dir.Delete(true);
    }

    private async Task<Dictionary<string, JsonElement>> ValidateAsync(string spec)
    {
        var result = await CliRunner.RunAsync(["validate", "--spec", spec, "--phase", "validated", "--json", "-c", db.ConnectionString]);
        using var json = JsonDocument.Parse(result.StdOut);
        return json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(r => r.GetProperty("check").GetString()!, r => r.Clone());
    }
}
