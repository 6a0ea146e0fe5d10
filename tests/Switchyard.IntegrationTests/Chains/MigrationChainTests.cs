using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Chains;

/// <summary>`apply &lt;folder&gt;` runs a folder of specs in order as one history; `baseline` adopts what the schema has.</summary>
public sealed class MigrationChainTests() : DatabaseWithFolder("chain-")
{
    private static readonly (string File, string Yaml)[] Specs =
    [
        ("001-create.yaml", "migration: 001-create-orders\noperations:\n  - create_table:\n      table: orders\n      columns: [{ name: id, type: bigint, primary_key: true }, { name: amount, type: bigint }]\n"),
        ("002-note.yaml", "migration: 002-orders-note\noperations:\n  - add_column:\n      table: orders\n      name: note\n      type: text\n"),
        ("003-index.yaml", "migration: 003-orders-amount-idx\noperations:\n  - create_index:\n      table: orders\n      columns: [amount]\n"),
    ];

    [Fact]
    public async Task ApplyFolder_ThreeSpecs_RunsThemInOrderOnceAndExpectOneGuardsPipelines()
    {
        // Given a folder of three specs nothing has applied
        Write(Specs);

        // When a pipeline asks for at most one, then applies the folder, then applies it again
        var guarded = await ApplyAsync("--expect-one");
        var first = await ApplyAsync();
        var again = await ApplyAsync();

        // Then the guard ran nothing, the chain ran 001, 002, 003 in order, and the rerun nothing
        guarded.ExitCode.ShouldBe(2);
        guarded.StdErr.ShouldContain("--expect-one: 3 migrations are not applied");
        first.ExitCode.ShouldBe(0, first.StdErr);
        first.StdOut.IndexOf("001-create.yaml", StringComparison.Ordinal).ShouldBeLessThan(first.StdOut.IndexOf("002-note.yaml", StringComparison.Ordinal));
        first.StdOut.IndexOf("002-note.yaml", StringComparison.Ordinal).ShouldBeLessThan(first.StdOut.IndexOf("003-index.yaml", StringComparison.Ordinal));
        first.StdOut.ShouldContain("applied 3 of 3 migrations");
        again.StdOut.ShouldContain("all 3 migrations are applied: nothing to do.");
        (await Db.ScalarAsync<string>("SELECT string_agg(name || ':' || state, ',' ORDER BY id) FROM switchyard.migrations"))
            .ShouldBe("001-create-orders:completed,002-orders-note:completed,003-orders-amount-idx:completed");
        (await Db.ScalarAsync<bool>("SELECT to_regclass('orders_amount_idx') IS NOT NULL AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'note')")).ShouldBeTrue();

        // And status lists the history with each spec file
        var status = await CliRunner.RunAsync(["status", "--no-guards", "-c", Db.ConnectionString]);
        status.StdOut.ShouldContain("history");
        status.StdOut.ShouldContain("002-note.yaml");

        // When one more file arrives, --expect-one lets exactly it through
        Write(("004-note-idx.yaml", "migration: 004-orders-note-idx\noperations:\n  - create_index:\n      table: orders\n      columns: [note]\n"));
        var next = await ApplyAsync("--expect-one");

        // Then
        next.ExitCode.ShouldBe(0, next.StdErr);
        next.StdOut.ShouldContain("applied 1 of 4 migrations");
    }

    [Fact]
    public async Task ApplyFolder_AppliedFileEdited_IsRefusedBeforeAnythingRuns()
    {
        // Given the first two applied, then the first one edited and a third added
        Write(Specs[0], Specs[1]);
        (await ApplyAsync()).ExitCode.ShouldBe(0);
        Write((Specs[0].File, Specs[0].Yaml.Replace("amount, type: bigint", "amount, type: numeric", StringComparison.Ordinal)), Specs[2]);

        // When
        var result = await ApplyAsync();

        // Then: exit 4 naming the file, and 003 did not run
        result.ExitCode.ShouldBe(4);
        result.StdErr.ShouldContain("001-create.yaml was edited after migration '001-create-orders' ran");
        result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        (await Db.ScalarAsync<long>("SELECT count(*) FROM switchyard.migrations")).ShouldBe(2);
        (await Db.ScalarAsync<bool>("SELECT to_regclass('orders_amount_idx') IS NULL")).ShouldBeTrue();
    }

    [Fact]
    public async Task Baseline_SchemaAlreadyHasTheFirstTwo_AdoptsThemSoOnlyTheThirdRuns()
    {
        // Given a schema made by hand that already has what 001 and 002 create
        await Db.ExecuteAsync("CREATE TABLE orders (id bigint PRIMARY KEY, amount bigint, note text)");
        Write(Specs);

        // When the first two are adopted, then the folder is applied
        var baseline = await CliRunner.RunAsync(["baseline", Folder, "--through", "002-note.yaml", "-c", Db.ConnectionString]);
        var applied = await ApplyAsync();

        // Then only 003 ran; 001 and 002 are journaled as baselined, not run
        baseline.ExitCode.ShouldBe(0, baseline.StdErr);
        applied.ExitCode.ShouldBe(0, applied.StdErr);
        applied.StdOut.ShouldContain("applied 1 of 3 migrations");
        applied.StdOut.ShouldNotContain("001-create.yaml:");
        (await Db.ScalarAsync<string>("SELECT string_agg(name || ':' || phase, ',' ORDER BY id) FROM switchyard.migrations"))
            .ShouldBe("001-create-orders:baseline,002-orders-note:baseline,003-orders-amount-idx:contract");
        (await Db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'baselined'")).ShouldBe(2);
    }

    private void Write(params (string File, string Yaml)[] specs)
    {
        foreach (var (file, yaml) in specs) File.WriteAllText(Path.Combine(Folder, file), yaml);
    }

    private Task<CliRunner.Result> ApplyAsync(params string[] extra) =>
        CliRunner.RunAsync(["apply", Folder, "-c", Db.ConnectionString, "--no-guards", .. extra]);
}
