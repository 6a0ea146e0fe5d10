using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>`plan` and `apply` take pgroll files (YAML and JSON) and folders of them like Switchyard's own specs.</summary>
public sealed class PgrollCliTests() : DatabaseWithFolder("pgroll-")
{
    [Fact]
    public async Task ApplyFolder_PgrollYamlAndJson_AppliesInOrderAndPlanShowsPhasesOfATypeChange()
    {
        // Given a folder with a YAML and a JSON pgroll migration, and a third that changes a type
        await File.WriteAllTextAsync(Path.Combine(Folder, "01_create.yaml"), "operations:\n  - create_table:\n      name: items\n      columns:\n        - { name: id, type: int, pk: true }\n        - { name: price, type: text, nullable: true }\n");
        await File.WriteAllTextAsync(Path.Combine(Folder, "02_note.json"), """{ "operations": [ { "add_column": { "table": "items", "column": { "name": "note", "type": "text", "nullable": true, "comment": "it's free text" } } } ] }""");
        var change = Path.Combine(Folder, "03_price.yaml");

        // When the folder is applied, then the type change is planned
        var applied = await CliRunner.RunAsync(["apply", Folder, "-c", Db.ConnectionString, "--no-guards"]);
        await File.WriteAllTextAsync(change, "operations:\n  - alter_column: { table: items, column: price, type: numeric, up: price::numeric, down: price::text }\n");
        var plan = await CliRunner.RunAsync(["plan", change, "-c", Db.ConnectionString]);

        // Then both ran in order, the comment arrived as a value, and the plan shows shadow, trigger, backfill and swap in their phases
        applied.ExitCode.ShouldBe(0, applied.StdErr);
        applied.StdOut.ShouldContain("applied 2 of 2 migrations");
        (await Db.ScalarAsync<string>("SELECT string_agg(name || ':' || state, ',' ORDER BY id) FROM switchyard.migrations")).ShouldBe("01_create:completed,02_note:completed");
        (await Db.ScalarAsync<string>("SELECT col_description('items'::regclass, 3)")).ShouldBe("it's free text");
        plan.ExitCode.ShouldBe(0, plan.StdErr);
        var order = new[] { "== Expand", "Add shadow column public.items._sy_new_price numeric", "Create trigger sy_sync_price", "== Backfill",
            "Backfill public.items._sy_new_price", "== Contract", "Swap: drop public.items.price, rename _sy_new_price to price" };
        order.Select(s => plan.StdOut.IndexOf(s, StringComparison.Ordinal)).ShouldBe(order.Select(s => plan.StdOut.IndexOf(s, StringComparison.Ordinal)).Order(), plan.StdOut);
        order.ShouldAllBe(s => plan.StdOut.Contains(s, StringComparison.Ordinal), plan.StdOut);
    }
}
