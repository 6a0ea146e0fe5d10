using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.VersionSchemas;

/// <summary>
/// Two application versions run through a migration without code changes, each with only its <c>search_path</c> set
/// to its version schema: each writes and reads its own shape, and sees what the other wrote, in its own shape.
/// </summary>
public sealed class VersionSchemaTests
{
    private const string Setup = "CREATE TABLE t (id int PRIMARY KEY, name text, amount text NOT NULL DEFAULT '0'); INSERT INTO t VALUES (1, 'ab', '10')";

    /// <summary>
    /// A row A the old version inserts and the new one updates, a row B the new version inserts and the old one updates;
    /// each version reads both rows through its read expression after the inserts and after the updates. Expected is
    /// "A old|A new|B old|B new" after the inserts, then the same after the updates.
    /// </summary>
    public sealed record Case(string Name, string Migration, string OldShape, string NewShape,
        string OldColumn, string OldInsert, string OldUpdate, string OldRead,
        string NewColumn, string NewInsert, string NewUpdate, string NewRead, string Expected)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases => new()
    {
        new("rename_column", "version_schema: app_v2\noperations:\n  - rename_column: { table: t, from: name, to: title }",
            "id integer, name text, amount text", "id integer, title text, amount text",
            "name", "'old-a'", "'old-b'", "name", "title", "'new-b'", "'new-a'", "title", "old-a|old-a|new-b|new-b|new-a|new-a|old-b|old-b"),
        new("alter_column_type", "operations:\n  - alter_column: { table: t, column: amount, type: bigint, up: amount::bigint * 100, down: (amount / 100)::text }",
            "id integer, name text, amount text", "id integer, name text, amount bigint",
            "amount", "'7'", "'11'", "amount || ':' || pg_typeof(amount)", "amount", "3000", "9000", "amount || ':' || pg_typeof(amount)",
            "7:text|700:bigint|30:text|3000:bigint|90:text|9000:bigint|11:text|1100:bigint"),
        new("add_column", "operations:\n  - add_column: { table: t, up: \"upper(coalesce(name, 'x'))\", column: { name: label, type: text } }",
            "id integer, name text, amount text", "id integer, name text, amount text, label text",
            "name", "'ab'", "'cd'", "coalesce(name, '-')", "label", "'NEW'", "'ZZ'", "coalesce(name, '-') || '/' || label",
            "ab|ab/AB|-|-/NEW|ab|ab/ZZ|cd|cd/NEW"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task VersionSchemas_OldAndNewAppThroughEveryPhase_EachWritesAndReadsItsOwnShape(Case c)
    {
        // Given a table with a row, the migration, and one session per version with only its search_path set
        await using var db = await DisposableDatabase.StartAsync();
        await db.Db.ExecuteAsync(Setup);
        var spec = SpecLoader.Load(c.Migration + "\n", $"{c.Name}.yaml");
        var names = spec.VersionSchemas!;
        await using var oldApp = new VersionSession(db.Db, names.Previous);
        await using var newApp = new VersionSession(db.Db, names.New);
        var engine = new MigrationEngine(db.Db.Runner());
        var id = 100;
        foreach (var phase in new[] { MigrationPhase.Expand, MigrationPhase.Backfill, MigrationPhase.Validate })
        {
            // When the migration reaches the phase and both versions write and read
            var run = await engine.ApplyAsync(spec, new ApplyOptions { To = phase }, CancellationToken.None);
            run.State.ShouldNotBe("failed", run.Message);
            var seen = await ExchangeAsync(c, oldApp, newApp, id += 10);

            // Then each sees its own shape, and the other's writes in it
            (await oldApp.ShapeAsync()).ShouldBe(c.OldShape, $"old shape after {phase}");
            (await newApp.ShapeAsync()).ShouldBe(c.NewShape, $"new shape after {phase}");
            seen.ShouldBe(c.Expected, $"after {phase}");
        }

        // When Contract runs, Then the previous version's schema is gone and the new version still works over the final columns
        var done = await engine.ApplyAsync(spec, new ApplyOptions { Confirm = spec.Name }, CancellationToken.None);
        done.State.ShouldBe("completed", done.Message);
        (await db.Db.ScalarAsync<bool>($"SELECT to_regnamespace('\"{names.Previous}\"') IS NULL")).ShouldBeTrue();
        (await newApp.ShapeAsync()).ShouldBe(c.NewShape, "new shape after Contract");
        await newApp.ExecuteAsync($"INSERT INTO t (id, {c.NewColumn}) VALUES (900, {c.NewInsert}); UPDATE t SET {c.NewColumn} = {c.NewUpdate} WHERE id = 110");
        (await newApp.TextAsync($"SELECT {c.NewRead} FROM t WHERE id = 110")).ShouldBe(c.Expected.Split('|')[5]);
        (await newApp.TextAsync("SELECT count(*) FROM t")).ShouldBe("8");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task VersionSchemas_RolledBackFromValidate_BothSchemasGoneOldAppFallsThroughToTheTable(Case c)
    {
        // Given the migration at Validate with both versions having written
        await using var db = await DisposableDatabase.StartAsync();
        await db.Db.ExecuteAsync(Setup);
        var spec = SpecLoader.Load(c.Migration + "\n", $"{c.Name}.yaml");
        var names = spec.VersionSchemas!;
        // (the old app lists the table's own schema after its version schema, as the README says to)
        await using var oldApp = new VersionSession(db.Db, $"{names.Previous},public");
        await using var newApp = new VersionSession(db.Db, names.New);
        (await new MigrationEngine(db.Db.Runner()).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldNotBe("failed");
        await ExchangeAsync(c, oldApp, newApp, 100);

        // When it is rolled back
        await new MigrationRollback(db.Db.Runner()).RollbackAsync(spec, null, CancellationToken.None);

        // Then both version schemas are gone (the database is as before), and the old version, falling through to the
        // table itself, still writes and reads its shape
        (await db.Db.ScalarAsync<bool>($"SELECT to_regnamespace('\"{names.New}\"') IS NULL")).ShouldBeTrue();
        (await db.Db.ScalarAsync<bool>($"SELECT to_regnamespace('\"{names.Previous}\"') IS NULL")).ShouldBeTrue();
        (await oldApp.ShapeAsync()).ShouldBe(c.OldShape);
        await oldApp.ExecuteAsync($"INSERT INTO t (id, {c.OldColumn}) VALUES (900, {c.OldInsert}); UPDATE t SET {c.OldColumn} = {c.OldUpdate} WHERE id = 900");
        (await oldApp.TextAsync($"SELECT {c.OldRead} FROM t WHERE id = 900")).ShouldBe(c.Expected.Split('|')[6]);
        (await oldApp.TextAsync("SELECT count(*) FROM t")).ShouldBe("4");
    }

    /// <summary>Row A: old inserts, new updates; row B: new inserts, old updates. Returns what each version reads of A and B after the inserts, then after the updates.</summary>
    private static async Task<string> ExchangeAsync(Case c, VersionSession oldApp, VersionSession newApp, int id)
    {
        var (a, b) = (id, id + 1);
        var reads = new List<string?>();
        async Task ReadAsync()
        {
            foreach (var row in new[] { a, b })
            {
                reads.Add(await oldApp.TextAsync($"SELECT {c.OldRead} FROM t WHERE id = {row}"));
                reads.Add(await newApp.TextAsync($"SELECT {c.NewRead} FROM t WHERE id = {row}"));
            }
        }
        await oldApp.ExecuteAsync($"INSERT INTO t (id, {c.OldColumn}) VALUES ({a}, {c.OldInsert})");
        await newApp.ExecuteAsync($"INSERT INTO t (id, {c.NewColumn}) VALUES ({b}, {c.NewInsert})");
        await ReadAsync();
        await newApp.ExecuteAsync($"UPDATE t SET {c.NewColumn} = {c.NewUpdate} WHERE id = {a}");
        await oldApp.ExecuteAsync($"UPDATE t SET {c.OldColumn} = {c.OldUpdate} WHERE id = {b}");
        await ReadAsync();
        return string.Join('|', reads);
    }
}
