using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.EntityFrameworkCore;
using Switchyard.IntegrationTests.Infrastructure;
using Ef = Microsoft.EntityFrameworkCore.Migrations.Operations;
using ReferentialAction = Microsoft.EntityFrameworkCore.Migrations.ReferentialAction;

namespace Switchyard.IntegrationTests.EntityFramework;

/// <summary>
/// Issue 20 item 1: EF operations beyond the flagship, built as EF's migrations builder builds them, translated, then
/// applied by the engine through Contract to a real database; the catalog and the rows are what EF asked for.
/// </summary>
public sealed class EfOperationTranslationTests
{
    private const string Setup = """
        CREATE TABLE parent (id int PRIMARY KEY);
        INSERT INTO parent VALUES (1), (2);
        CREATE TABLE t (id int PRIMARY KEY, amount int NOT NULL, qty int, strict_qty int, flag boolean DEFAULT false, code text NOT NULL, parent_id int, other_id int);
        INSERT INTO t VALUES (1, 10, NULL, 5, true, 'a', 1, 2), (2, -20, 3, 6, false, 'b', 2, 1);
        """;

    [Fact]
    public async Task AlterColumn_TypeNotNullNullableDefault_AppliedThroughContractKeepingRows()
    {
        // Given int → bigint, NOT NULL with EF's default 0, NOT NULL → nullable and a new default, on rows with a NULL
        var migration = Migration("20260101000001_AlterColumns",
            Alter("amount", "bigint", nullable: false, oldType: "integer", oldNullable: false),
            Alter("qty", "integer", nullable: false, oldType: "integer", oldNullable: true, defaultValue: 0),
            Alter("code", "text", nullable: true, oldType: "text", oldNullable: false),
            Alter("flag", "boolean", nullable: true, oldType: "boolean", oldNullable: true, defaultValue: true, oldDefault: false));

        // When it is translated and applied through Contract
        var db = await DatabaseAsync();
        try
        {
            var plan = EfMigrationTranslator.Translate(migration);
            var run = await ApplyAsync(db, plan);

            // Then each is alter_column, amount is bigint with its values, qty is NOT NULL with the NULL now 0, code is nullable, flag defaults to true
            plan.Refusals.ShouldBeEmpty();
            plan.Operations.Select(o => o.Kind).ShouldBe(["alter_column", "alter_column", "alter_column", "alter_column"]);
            run.State.ShouldBe("completed", run.Message);
            (await Column(db, "amount")).ShouldBe("bigint nn");
            (await Column(db, "qty")).ShouldBe("integer nn =0");
            (await Column(db, "code")).ShouldBe("text");
            (await Column(db, "flag")).ShouldBe("boolean =true");
            (await db.ScalarAsync<string>("SELECT string_agg(id || '=' || amount || '/' || qty, ',' ORDER BY id) FROM t")).ShouldBe("1=10/0,2=-20/3");
            await db.ExecuteAsync("INSERT INTO t (id, amount, qty, code) VALUES (3, 9000000000, 1, NULL)");
            (await db.ScalarAsync<bool>("SELECT flag FROM t WHERE id = 3")).ShouldBeTrue();
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task AlterColumn_NotNullWithoutEfDefaultOnNullRow_ValidationFailsAndColumnStaysNullable()
    {
        // Given qty made NOT NULL with no EF default while a row holds NULL
        var migration = Migration("20260101000002_QtyRequired", Alter("qty", "integer", nullable: false, oldType: "integer", oldNullable: true));

        // When it is translated and applied
        var db = await DatabaseAsync();
        try
        {
            var plan = EfMigrationTranslator.Translate(migration);
            var failed = await Should.ThrowAsync<SqlFailedException>(() => ApplyAsync(db, plan));

            // Then up is the column itself: the NOT NULL proof fails instead of inventing a value, and qty keeps its NULL
            plan.Notes.ShouldContain(n => n.Contains("validation stops", StringComparison.Ordinal));
            failed.Message.ShouldContain("t_qty_not_null");
            (await Column(db, "qty")).ShouldBe("integer");
            (await db.ScalarAsync<long>("SELECT count(*) FROM t WHERE qty IS NULL")).ShouldBe(1);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task Constraints_CheckUniqueAndForeignKeysWithActions_ValidatedAndKeepEfsOnDelete()
    {
        // Given a check, a unique constraint and two foreign keys asking ON DELETE CASCADE and SET NULL
        var migration = Migration("20260101000003_Constraints",
            new Ef.AddCheckConstraintOperation { Table = "t", Name = "t_amount_positive", Sql = "amount <> 0" },
            new Ef.AddUniqueConstraintOperation { Table = "t", Name = "t_code_key", Columns = ["code"] },
            new Ef.AddForeignKeyOperation { Table = "t", Name = "t_parent_fkey", Columns = ["parent_id"], PrincipalTable = "parent", PrincipalColumns = ["id"], OnDelete = ReferentialAction.Cascade },
            new Ef.AddForeignKeyOperation { Table = "t", Name = "t_other_fkey", Columns = ["other_id"], PrincipalTable = "parent", PrincipalColumns = ["id"], OnDelete = ReferentialAction.SetNull });

        // When it is translated and applied through Contract
        var db = await DatabaseAsync();
        try
        {
            var plan = EfMigrationTranslator.Translate(migration);
            var run = await ApplyAsync(db, plan);

            // Then all four exist validated, the keys carry EF's actions, and deleting a parent does what EF asked
            plan.Operations.Select(o => o.Kind).ShouldBe(["create_constraint", "create_constraint", "create_constraint", "create_constraint"]);
            run.State.ShouldBe("completed", run.Message);
            (await db.ScalarAsync<string>("SELECT string_agg(conname || ':' || contype::text || ':' || convalidated || ':' || confdeltype::text, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 't'::regclass AND contype <> 'p'"))
                .ShouldBe("t_amount_positive:c:true: ,t_code_key:u:true: ,t_other_fkey:f:true:n,t_parent_fkey:f:true:c");
            await db.ExecuteAsync("DELETE FROM parent WHERE id = 2");
            (await db.ScalarAsync<string>("SELECT string_agg(id || ':' || coalesce(other_id::text, 'null'), ',' ORDER BY id) FROM t")).ShouldBe("1:null");
            await db.ExecuteAsync("DELETE FROM parent WHERE id = 1");
            (await db.ScalarAsync<long>("SELECT count(*) FROM t")).ShouldBe(0);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task RenamesDropsDefaultsAndSql_AppliedThroughContract_CatalogAsEfAsked()
    {
        // Given renames, drops of an index, constraints and a table, added columns with SQL, Guid and DateTime defaults, and raw SQL
        var migration = Migration("20260101000004_Structure",
            new Ef.AddColumnOperation { Table = "t", Name = "created_at", ColumnType = "timestamp with time zone", ClrType = typeof(DateTime), DefaultValueSql = "now()" },
            new Ef.AddColumnOperation { Table = "t", Name = "ref", ColumnType = "uuid", ClrType = typeof(Guid), DefaultValue = Guid.Parse("5b1f8a9e-3c2d-4e6f-8a7b-9c0d1e2f3a4b") },
            new Ef.AddColumnOperation { Table = "t", Name = "since", ColumnType = "timestamp without time zone", ClrType = typeof(DateTime), DefaultValue = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified) },
            new Ef.SqlOperation { Sql = "CREATE TABLE side (id int)" },
            new Ef.RenameColumnOperation { Table = "t", Name = "code", NewName = "label" },
            new Ef.DropIndexOperation { Name = "t_amount_idx", Table = "t" },
            new Ef.DropCheckConstraintOperation { Table = "t", Name = "t_strict_check" },
            new Ef.DropForeignKeyOperation { Table = "t", Name = "t_parent_fk" },
            new Ef.DropTableOperation { Name = "old_audit" },
            new Ef.RenameTableOperation { Name = "parent", NewName = "account" });

        // When it is translated and applied through Contract to the table with that index, check, key and table
        var db = await DatabaseAsync("""
            CREATE INDEX t_amount_idx ON t (amount);
            ALTER TABLE t ADD CONSTRAINT t_strict_check CHECK (strict_qty > 0), ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id);
            CREATE TABLE old_audit (id int);
            """);
        try
        {
            var plan = EfMigrationTranslator.Translate(migration);
            var run = await ApplyAsync(db, plan);

            // Then the columns exist NOT NULL where EF said so, old rows got the defaults, and everything renamed or dropped is so
            plan.Refusals.ShouldBeEmpty();
            plan.Notes.ShouldContain(n => n.Contains("no lock declared", StringComparison.Ordinal));
            run.State.ShouldBe("completed", run.Message);
            (await Column(db, "created_at")).ShouldBe("timestamp with time zone nn =now()");
            (await Column(db, "ref")).ShouldBe("uuid nn ='5b1f8a9e-3c2d-4e6f-8a7b-9c0d1e2f3a4b'::uuid");
            (await db.ScalarAsync<long>("SELECT count(*) FROM t WHERE created_at IS NOT NULL AND ref = '5b1f8a9e-3c2d-4e6f-8a7b-9c0d1e2f3a4b' AND since = '2026-01-02 03:04:05'")).ShouldBe(2);
            (await db.ScalarAsync<string>("SELECT string_agg(id || label, ',' ORDER BY id) FROM t")).ShouldBe("1a,2b");
            (await db.ScalarAsync<string>("SELECT concat_ws(',', to_regclass('t_amount_idx'), to_regclass('old_audit'), to_regclass('parent'), to_regclass('account'), to_regclass('side'))")).ShouldBe("account,side");
            (await db.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conname IN ('t_strict_check', 't_parent_fk')")).ShouldBe(0);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public void Translate_RenameIndexTextDefaultAndOddStoreType_RefusedByNameWithReason()
    {
        // Given a rename of an index, a text constant default (would be pasted into DDL) and a store type that is not a type name
        var migration = Migration("20260101000005_Refused",
            new Ef.RenameIndexOperation { Table = "t", Name = "t_amount_idx", NewName = "t_amount_ix" },
            new Ef.AddColumnOperation { Table = "t", Name = "currency", ColumnType = "text", ClrType = typeof(string), DefaultValue = "EUR'); DROP TABLE t; --" },
            Alter("amount", "bigint; DROP TABLE t", nullable: false, oldType: "integer", oldNullable: false));

        // When it is translated
        var plan = EfMigrationTranslator.Translate(migration);

        // Then each is refused by EF's operation name with why, nothing translated, and no spec can be made
        plan.Refusals.Select(r => r.Operation).ShouldBe([nameof(Ef.RenameIndexOperation), nameof(Ef.AddColumnOperation), nameof(Ef.AlterColumnOperation)]);
        plan.Refusals[0].Reason.ShouldContain("rename_index");
        plan.Refusals[1].Reason.ShouldContain("bind parameter");
        plan.Refusals[2].Reason.ShouldContain("not plain type names");
        plan.Operations.ShouldBeEmpty();
        Should.Throw<Core.SwitchyardException>(() => plan.ToSpec()).Message.ShouldContain("RenameIndexOperation");
    }

    private static EfMigration Migration(string id, params Ef.MigrationOperation[] up) => new(id, "10.0.15", up, null);

    private static Ef.AlterColumnOperation Alter(string name, string type, bool nullable, string oldType, bool oldNullable, object? defaultValue = null, object? oldDefault = null) => new()
    {
        Table = "t", Name = name, ColumnType = type, IsNullable = nullable, DefaultValue = defaultValue, ClrType = typeof(object),
        OldColumn = new Ef.AddColumnOperation { Table = "t", Name = name, ColumnType = oldType, IsNullable = oldNullable, DefaultValue = oldDefault, ClrType = typeof(object) },
    };

    /// <summary>A fresh database holding <see cref="Setup"/> and <paramref name="extra"/>.</summary>
    private static async Task<TestDatabase> DatabaseAsync(string extra = "")
    {
        var db = new TestDatabase();
        await db.InitializeAsync();
        await db.ExecuteAsync(Setup + extra);
        return db;
    }

    /// <summary>The translated migration applied by the engine through Contract.</summary>
    private static Task<RunResult> ApplyAsync(TestDatabase db, EfPlan plan)
    {
        var spec = plan.ToSpec();
        return new MigrationEngine(db.Runner()).ApplyAsync(spec, new ApplyOptions { Confirm = spec.Name }, CancellationToken.None);
    }

    /// <summary>A column of t as format_type, " nn" when NOT NULL, and " =default" when it has one.</summary>
    private static Task<string?> Column(TestDatabase db, string name) => db.ScalarAsync<string>($"""
        SELECT format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' nn' ELSE '' END || coalesce(' =' || pg_get_expr(d.adbin, d.adrelid), '')
          FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = 't'::regclass AND a.attname = '{name}' AND NOT a.attisdropped
        """);
}
