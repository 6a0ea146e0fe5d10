using Switchyard.Core.Operations.AlterColumn;
using Switchyard.Core.Operations.CreateTable;
using Switchyard.Core.Spec;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>pgroll-format files: detected by shape, YAML or JSON, every mistake a one-line file:line:col error.</summary>
public sealed class PgrollParserTests
{
    [Fact]
    public void Load_PgrollYaml_NamedAfterTheFileWithTypedOperations()
    {
        // Given a pgroll file (operations, no migration:)
        const string yaml = "operations:\n  - create_table:\n      name: t\n      columns:\n        - { name: id, type: bigint, pk: true }\n  - alter_column:\n      table: t\n      column: id\n      type: text\n      up: id::text\n      down: id::bigint\n";

        // When
        var spec = SpecLoader.Load(yaml, "/tmp/07_change.yaml");

        // Then
        spec.Name.ShouldBe("07_change");
        spec.Operations[0].ShouldBeOfType<PgrollCreateTable>().Columns[0].PrimaryKey.ShouldBeTrue();
        spec.Operations[1].ShouldBeOfType<PgrollAlterColumn>().Type.ShouldBe("text");
    }

    [Fact]
    public void Load_PgrollJson_ReadsTheSameOperations()
    {
        // Given the JSON form pgroll also writes
        const string json = """{ "name": "01_json", "operations": [ { "create_table": { "name": "t", "columns": [ { "name": "id", "type": "int", "pk": true }, { "name": "note", "type": "text", "nullable": true, "comment": "it's a note" } ] } } ] }""";

        // When
        var spec = SpecLoader.Load(json, "/tmp/01.json");

        // Then
        spec.Name.ShouldBe("01_json");
        var table = spec.Operations.ShouldHaveSingleItem().ShouldBeOfType<PgrollCreateTable>();
        table.Columns[1].Comment.ShouldBe("it's a note");
        table.Columns[1].Nullable.ShouldBeTrue();
    }

    [Theory]
    [InlineData("operations:\n  - create_tabel:\n      name: t\n", "m.yaml:2:5: unknown operation 'create_tabel'.")]
    [InlineData("operations:\n  - drop_table:\n      name: t\n      cascade: true\n", "m.yaml:4:7: unknown field 'cascade' in drop_table.")]
    [InlineData("operations:\n  - rename_column:\n      table: t\n      from: a\n", "m.yaml:3:7: rename_column is missing 'to'.")]
    [InlineData("operations:\n  - add_column:\n      table: t\n      column: { name: c, type: int, colour: red }\n", "m.yaml:4:37: unknown field 'colour' in add_column.column.")]
    [InlineData("operations:\n  - add_column:\n      table: t\n      column: { name: c, type: int }\n", "m.yaml:4:15: column 'c' is NOT NULL with neither a default nor 'up'")]
    [InlineData("operations:\n  - alter_column:\n      table: t\n      column: c\n      nullable: false\n", "m.yaml:3:7: alter_column of public.t.c changes what existing rows must hold but has no 'up'.")]
    [InlineData("operations:\n  - create_constraint:\n      table: t\n      name: k\n      type: unique_ish\n      columns: [a]\n", "m.yaml:5:13: 'type' of create_constraint must be one of unique, check, primary_key, foreign_key, exclude")]
    [InlineData("operations:\n  - alter_column:\n      table: t\n      column: c\n      references: { name: f, table: u, column: id, on_delete: DROP TABLE x }\n      up: c\n", "m.yaml:5:63: 'on_delete' of alter_column.references must be one of")]
    public void Load_PgrollMistake_OneLineErrorAtTheField(string yaml, string expected)
    {
        // Given a pgroll file with one mistake; When it loads
        var error = Should.Throw<SpecException>(() => SpecLoader.Load(yaml, "m.yaml"));

        // Then the error names file:line:col and what is wrong, on one line
        error.Message.ShouldStartWith(expected);
        error.Message.ShouldNotContain('\n');
    }
}
