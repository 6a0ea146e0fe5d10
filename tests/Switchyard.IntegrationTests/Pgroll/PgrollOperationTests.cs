using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>
/// Each pgroll operation, as the peer tests its own: the table's shape after Expand … Validate, after rollback (as
/// before), and after Contract; for the operations that change data, the rows too.
/// </summary>
public sealed class PgrollOperationTests
{
    internal const string Setup = """
        CREATE TABLE parent (id int PRIMARY KEY);
        INSERT INTO parent VALUES (1);
        CREATE TABLE t (id int PRIMARY KEY, name text, amount text NOT NULL DEFAULT '0', parent_id int);
        INSERT INTO t VALUES (1, 'ab', '10', 1), (2, NULL, '20', 7);
        """;

    public sealed record Case(string Name, string Migration, string Table, string Expanded, string Contracted, string? Rows = null, string? RowsAfter = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases => new()
    {
        new("create_table", "- create_table: { name: u, comment: a table, columns: [ { name: id, type: int, pk: true }, { name: code, type: text, unique: true, check: { name: code_len, constraint: length(code) > 1 } }, { name: parent_id, type: int, nullable: true, references: { name: u_parent_fk, table: parent, column: id } } ] }",
            "u", "id integer nn, code text nn, parent_id integer | con code_len:c, u_code_key:u, u_parent_fk:f, u_pkey:p | idx u_code_key, u_pkey | comment a table",
            "id integer nn, code text nn, parent_id integer | con code_len:c, u_code_key:u, u_parent_fk:f, u_pkey:p | idx u_code_key, u_pkey | comment a table"),
        new("add_column_not_null_up", "- add_column: { table: t, up: \"upper(coalesce(name, 'x'))\", column: { name: label, type: text } }",
            "t", "id integer nn, name text, amount text nn ='0'::text, parent_id integer, label text nn | con t_pkey:p | idx t_pkey | trg sy_up_label",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer, label text nn | con t_pkey:p | idx t_pkey", "SELECT string_agg(id || '=' || label, ',' ORDER BY id) FROM t", "1=AB,2=X"),
        new("alter_column_type", "- alter_column: { table: t, column: amount, type: bigint, up: amount::bigint, down: amount::text }",
            "t", "id integer nn, name text, amount text nn ='0'::text, parent_id integer, _sy_new_amount bigint nn | con t_pkey:p | idx t_pkey | trg sy_sync_amount",
            "id integer nn, name text, parent_id integer, amount bigint nn | con t_pkey:p | idx t_pkey", "SELECT string_agg(id || '=' || pg_typeof(amount) || ':' || amount, ',' ORDER BY id) FROM t", "1=bigint:10,2=bigint:20"),
        new("alter_column_not_null", "- alter_column: { table: t, column: name, nullable: false, up: \"coalesce(name, 'none')\", down: name }",
            "t", "id integer nn, name text nn, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey | trg sy_up_name",
            "id integer nn, name text nn, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey", "SELECT string_agg(id || '=' || name, ',' ORDER BY id) FROM t", "1=ab,2=none"),
        new("alter_column_check_unique", "- alter_column: { table: t, column: name, check: { name: name_len, constraint: length(name) > 1 }, unique: { name: t_name_key }, up: \"coalesce(name, 'zz')\", down: name }",
            "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con name_len:c, t_name_key:u, t_pkey:p | idx t_name_key, t_pkey | trg sy_up_name",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con name_len:c, t_name_key:u, t_pkey:p | idx t_name_key, t_pkey"),
        new("alter_column_references", "- alter_column: { table: t, column: parent_id, references: { name: t_parent_fk, table: parent, column: id }, up: \"CASE WHEN parent_id = 1 THEN 1 END\", down: parent_id }",
            "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_parent_fk:f, t_pkey:p | idx t_pkey | trg sy_up_parent_id",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_parent_fk:f, t_pkey:p | idx t_pkey"),
        new("create_index", "- create_index: { table: t, name: t_name_hash, columns: [name], method: hash, storage_parameters: fillfactor = 70 }", "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_name_hash, t_pkey",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_name_hash, t_pkey"),
        new("create_constraint_unique", "- create_constraint: { table: t, name: t_id_name_key, type: unique, columns: [id, name], up: { name: \"coalesce(name, 'u')\" }, down: { name: name } }",
            "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_id_name_key:u, t_pkey:p | idx t_id_name_key, t_pkey | trg sy_up_id",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_id_name_key:u, t_pkey:p | idx t_id_name_key, t_pkey"),
        new("create_constraint_check", "- create_constraint: { table: t, name: t_amount_pos, type: check, columns: [amount], check: amount::int > 0, up: { amount: amount }, down: { amount: amount } }",
            "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_amount_pos:c, t_pkey:p | idx t_pkey | trg sy_up_amount",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_amount_pos:c, t_pkey:p | idx t_pkey"),
        new("drop_column", "- drop_column: { table: t, column: name, down: \"''\" }", "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey",
            "id integer nn, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey"),
        new("rename_column", "- rename_column: { table: t, from: name, to: title }", "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey",
            "id integer nn, title text, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey"),
        new("set_replica_identity", "- set_replica_identity: { table: t, identity: { type: full } }", "t",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey | ri f",
            "id integer nn, name text, amount text nn ='0'::text, parent_id integer | con t_pkey:p | idx t_pkey | ri f"),
        new("sql", "- sql: { up: CREATE TABLE side (id int), down: DROP TABLE side }", "side", "id integer", "id integer"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Operation_ExpandRollbackContract_ShapeAtEachStep(Case c)
    {
        // Given a table with rows and the operation as a pgroll migration
        var db = new TestDatabase();
        await db.InitializeAsync();
        try
        {
            await db.ExecuteAsync(Setup);
            var spec = SpecLoader.Load("operations:\n  " + c.Migration + "\n", $"{c.Name}.yaml");
            var engine = new MigrationEngine(db.Runner());
            var before = await OperationShape.OfAsync(db.DataSource, c.Table);

            // When it runs up to Validate
            var expanded = await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);

            // Then the shape is the expanded one (and the rows, for the operations that change them)
            expanded.State.ShouldNotBe("failed", expanded.Message);
            var expandedShape = await OperationShape.OfAsync(db.DataSource, c.Table);

            // When it is rolled back, Then the shape is as before
            await new MigrationRollback(db.Runner()).RollbackAsync(spec, null, CancellationToken.None);
            var rolledBack = await OperationShape.OfAsync(db.DataSource, c.Table);

            // When it runs again to the end, Then the shape is the contracted one
            var done = await engine.ApplyAsync(spec, new ApplyOptions { Confirm = spec.Name }, CancellationToken.None);
            var contracted = await OperationShape.OfAsync(db.DataSource, c.Table);
            var contractedRows = c.Rows is null ? null : await db.ScalarAsync<string>(c.Rows);
            expandedShape.ShouldBe(c.Expanded);
            rolledBack.ShouldBe(before);
            done.State.ShouldBe("completed", done.Message);
            contracted.ShouldBe(c.Contracted);
            if (c.Rows is not null) contractedRows.ShouldBe(c.RowsAfter);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }
}
