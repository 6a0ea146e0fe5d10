using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.VersionSchemas;

/// <summary>Version schemas across migrations: an earlier version's schema serves the old app of the next migration, and its Contract drops it.</summary>
public sealed class VersionSchemaChainTests
{
    [Fact]
    public async Task VersionSchemas_SecondMigrationOnSameTable_OldAppStaysOnFirstVersionUntilSecondContractDropsIt()
    {
        // Given a first migration (a rename) complete, its version schema in use by app v2
        await using var db = await DisposableDatabase.StartAsync();
        await db.Db.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, name text, amount text NOT NULL DEFAULT '0'); INSERT INTO t VALUES (1, 'ab', '10')");
        var engine = new MigrationEngine(db.Db.Runner());
        var first = SpecLoader.Load("operations:\n  - rename_column: { table: t, from: name, to: title }\n", "m1_rename.yaml");
        (await engine.ApplyAsync(first, new ApplyOptions { Confirm = first.Name }, CancellationToken.None)).State.ShouldBe("completed");
        await using var v2 = new VersionSession(db.Db, "m1_rename");

        // When a second migration changes the type of a column v2's views use, and v2 and v3 write through Validate
        var second = SpecLoader.Load("operations:\n  - alter_column: { table: t, column: amount, type: bigint, up: amount::bigint * 100, down: (amount / 100)::text }\n", "m2_cents.yaml");
        (await engine.ApplyAsync(second, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldNotBe("failed");
        await using var v3 = new VersionSession(db.Db, "m2_cents");
        await v2.ExecuteAsync("INSERT INTO t (id, title, amount) VALUES (2, 'v2', '5')");
        await v3.ExecuteAsync("INSERT INTO t (id, title, amount) VALUES (3, 'v3', 700)");
        var duringV2 = await v2.TextAsync("SELECT string_agg(id || ':' || title || ':' || amount, ',' ORDER BY id) FROM t");
        var duringV3 = await v3.TextAsync("SELECT string_agg(id || ':' || title || ':' || amount, ',' ORDER BY id) FROM t");

        // Then each reads both rows in its shape
        duringV2.ShouldBe("1:ab:10,2:v2:5,3:v3:7");
        duringV3.ShouldBe("1:ab:1000,2:v2:500,3:v3:700");

        // When the second migration's Contract runs, Then it drops the first version's schema (whose view used the old column) and completes
        var done = await engine.ApplyAsync(second, new ApplyOptions { Confirm = second.Name }, CancellationToken.None);
        done.State.ShouldBe("completed", done.Message);
        (await db.Db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('m1_rename', 'm2_cents_previous')")).ShouldBe(0);
        (await v3.TextAsync("SELECT string_agg(id || ':' || title || ':' || amount || ':' || pg_typeof(amount), ',' ORDER BY id) FROM t"))
            .ShouldBe("1:ab:1000:bigint,2:v2:500:bigint,3:v3:700:bigint");
    }

    [Fact]
    public async Task VersionSchemas_DropColumn_OldAppWritesItNewAppNeverSeesItContractDrops()
    {
        // Given a drop_column migration at Validate
        await using var db = await DisposableDatabase.StartAsync();
        await db.Db.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, name text, amount text NOT NULL DEFAULT '0')");
        var spec = SpecLoader.Load("operations:\n  - drop_column: { table: t, column: name, down: \"'n/a'\" }\n", "drop_name.yaml");
        var engine = new MigrationEngine(db.Db.Runner());
        (await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldNotBe("failed");
        await using var oldApp = new VersionSession(db.Db, "drop_name_previous");
        await using var newApp = new VersionSession(db.Db, "drop_name");

        // When both versions write
        await oldApp.ExecuteAsync("INSERT INTO t (id, name, amount) VALUES (1, 'kept', '1')");
        await newApp.ExecuteAsync("INSERT INTO t (id, amount) VALUES (2, '2')");

        // Then the old shape has the column, the new one does not
        (await oldApp.ShapeAsync()).ShouldBe("id integer, name text, amount text");
        (await newApp.ShapeAsync()).ShouldBe("id integer, amount text");
        (await oldApp.TextAsync("SELECT string_agg(id || ':' || coalesce(name, '-'), ',' ORDER BY id) FROM t")).ShouldBe("1:kept,2:-");

        // When Contract runs, Then the column and the previous version's schema are gone and the new version still writes
        (await engine.ApplyAsync(spec, new ApplyOptions { Confirm = spec.Name }, CancellationToken.None)).State.ShouldBe("completed");
        await newApp.ExecuteAsync("INSERT INTO t (id, amount) VALUES (3, '3')");
        (await newApp.TextAsync("SELECT string_agg(id || ':' || amount, ',' ORDER BY id) FROM t")).ShouldBe("1:1,2:2,3:3");
        (await db.Db.ScalarAsync<bool>("SELECT to_regnamespace('drop_name_previous') IS NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'name')")).ShouldBeTrue();
    }
}
