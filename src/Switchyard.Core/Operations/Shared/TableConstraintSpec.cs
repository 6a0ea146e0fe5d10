using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.Shared;

/// <summary>A table constraint as pgroll writes it (create_table's <c>constraints</c>, create_constraint).</summary>
public sealed record TableConstraintSpec(string Name, string Type, IReadOnlyList<string> Columns, string? Check, bool NoInherit, bool NullsNotDistinct,
    IReadOnlyList<string> Include, string? StorageParameters, ReferenceSpec? References, ExcludeSpec? Exclude)
{
    public static readonly string[] Types = ["unique", "check", "primary_key", "foreign_key", "exclude"];
    public static readonly string[] Fields = ["name", "type", "columns", "check", "no_inherit", "nulls_not_distinct", "deferrable", "initially_deferred", "index_parameters", "references", "exclude"];

    public static TableConstraintSpec Parse(OperationFields f)
    {
        var name = f.Identifier("name");
        var type = f.Keyword("type", Types) ?? throw f.Error("type", $"{f.What} is missing 'type'.", $"Add `type:` (one of {string.Join(", ", Types)}).");
        var index = f.OptionalMap("index_parameters", "include_columns", "storage_parameters", "tablespace");
        if (index?.Has("tablespace") == true)
            throw index.Error("tablespace", "index_parameters.tablespace is not supported by Switchyard yet.", "Remove it; indexes go to the default tablespace.");
        var deferrable = f.Bool("deferrable", false);
        var initiallyDeferred = f.Bool("initially_deferred", false);
        var spec = new TableConstraintSpec(name, type, type is "check" or "exclude" && !f.Has("columns") ? [] : f.Identifiers("columns"),
            type == "check" ? f.Text("check") : null, f.Bool("no_inherit", false), f.Bool("nulls_not_distinct", false),
            index?.OptionalList("include_columns") is not null ? index.Identifiers("include_columns") : [], index?.OptionalText("storage_parameters"),
            type == "foreign_key" ? ReferenceSpec.ParseTable(f.Map("references", ReferenceSpec.TableFields), name, deferrable, initiallyDeferred) : null,
            type == "exclude" ? ExcludeSpec.Parse(f.Map("exclude", "index_method", "elements", "predicate")) : null);
        return spec;
    }

    private string ColumnList => $"({string.Join(", ", Columns.Select(Ident.Quote))})";

    private string IndexTail =>
        (Include.Count > 0 ? $" INCLUDE ({string.Join(", ", Include.Select(Ident.Quote))})" : "") + (StorageParameters is null ? "" : $" WITH ({StorageParameters})");

    /// <summary>The constraint inside CREATE TABLE (a new, empty table: nothing to validate).</summary>
    public string Definition => $"CONSTRAINT {Ident.Quote(Name)} " + Type switch
    {
        "primary_key" => $"PRIMARY KEY {ColumnList}{IndexTail}",
        "unique" => $"UNIQUE{(NullsNotDistinct ? " NULLS NOT DISTINCT" : "")} {ColumnList}{IndexTail}",
        "check" => $"CHECK ({Check}){(NoInherit ? " NO INHERIT" : "")}",
        "foreign_key" => $"FOREIGN KEY {ColumnList} {References!.Sql}",
        _ => Exclude!.Sql,
    };
}

/// <summary>An EXCLUDE constraint: the index method is a keyword from a fixed list; elements and predicate are author SQL.</summary>
public sealed record ExcludeSpec(string Method, string Elements, string? Predicate)
{
    private static readonly string[] Methods = ["btree", "hash", "gist", "spgist", "gin", "brin"];

    public static ExcludeSpec Parse(OperationFields f) => new(f.Keyword("index_method", Methods) ?? "btree", f.Text("elements"), f.OptionalText("predicate"));

    public string Sql => $"EXCLUDE USING {Method} ({Elements}){(Predicate is null ? "" : $" WHERE ({Predicate})")}";
}
