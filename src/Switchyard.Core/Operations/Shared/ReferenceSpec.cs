using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.Shared;

/// <summary>A foreign key's target and actions; the actions and match type are keywords from fixed lists, never pasted text.</summary>
public sealed record ReferenceSpec(string? Name, QualifiedName Table, IReadOnlyList<string> Columns, string? OnDelete, string? OnUpdate, string? MatchType, bool Deferrable, bool InitiallyDeferred)
{
    public static readonly string[] ColumnFields = ["name", "table", "column", "on_delete", "on_update", "match_type", "deferrable", "initially_deferred"];
    public static readonly string[] TableFields = ["table", "columns", "on_delete", "on_update", "match_type", "on_delete_set_columns"];
    private static readonly string[] Actions = ["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"];
    private static readonly string[] MatchTypes = ["SIMPLE", "FULL"];

    /// <summary>A column's <c>references</c>: one referenced column, a required constraint name.</summary>
    public static ReferenceSpec? ParseColumn(OperationFields? f) => f is null ? null : new(
        f.Identifier("name"), f.Relation("table"), [f.Identifier("column")], f.Keyword("on_delete", Actions), f.Keyword("on_update", Actions),
        f.Keyword("match_type", MatchTypes), f.Bool("deferrable", false), f.Bool("initially_deferred", false));

    /// <summary>A table constraint's <c>references</c>: its columns; the name is the constraint's.</summary>
    public static ReferenceSpec ParseTable(OperationFields f, string name, bool deferrable, bool initiallyDeferred)
    {
        if (f.Has("on_delete_set_columns"))
            throw f.Error("on_delete_set_columns", "on_delete_set_columns is not supported by Switchyard yet.", "Remove it, or use a sql operation for this constraint.");
        return new(name, f.Relation("table"), f.Identifiers("columns"), f.Keyword("on_delete", Actions), f.Keyword("on_update", Actions),
            f.Keyword("match_type", MatchTypes), deferrable, initiallyDeferred);
    }

    /// <summary><c>REFERENCES t (cols) [MATCH ..] [ON DELETE ..] [ON UPDATE ..] [DEFERRABLE ..]</c>.</summary>
    public string Sql =>
        $"REFERENCES {Table.Sql} ({string.Join(", ", Columns.Select(Ident.Quote))})"
        + (MatchType is null ? "" : " MATCH " + MatchType)
        + (OnDelete is null ? "" : " ON DELETE " + OnDelete)
        + (OnUpdate is null ? "" : " ON UPDATE " + OnUpdate)
        + (Deferrable ? " DEFERRABLE" + (InitiallyDeferred ? " INITIALLY DEFERRED" : "") : "");
}
