using Switchyard.Core.Execution;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Operations.CreateIndex;

/// <summary>One column of an index with its collation, operator class, order and NULLs placement.</summary>
public sealed record IndexColumn(string Name, string? Collate, string? OpClass, IReadOnlyList<string> OpClassParams, string? Sort, string? Nulls)
{
    private static readonly string[] Options = ["collate", "sort", "nulls", "opclass"];

    /// <summary>
    /// pgroll writes <c>columns</c> three ways: a list of names, a list of <c>{ column: name, ... }</c>, or a mapping of
    /// name → options. All three are read.
    /// </summary>
    public static IReadOnlyList<IndexColumn> ParseAll(OperationFields f)
    {
        var node = f.Node("columns") ?? throw f.Error("columns", "create_index is missing 'columns'.", "Add `columns: [name]`.");
        if (node is YamlMappingNode map)
        {
            var names = new OperationFields(map, f.File, "create_index.columns", [.. map.Children.Keys.Select(k => (k as YamlScalarNode)?.Value ?? "")]);
            return [.. map.Children.Select(c => Parse(((YamlScalarNode)c.Key).Value!, c.Value as YamlMappingNode is { } m ? new OperationFields(m, f.File, "create_index column", Options) : null, names, c.Key))];
        }
        return [.. f.List("columns").Children.Select(c => c switch
        {
            YamlScalarNode { Value: { Length: > 0 } v } => Parse(v, null, f, c),
            YamlMappingNode m => FromItem(new OperationFields(m, f.File, "create_index column", ["column", .. Options])),
            _ => throw f.Error(c, "each index column is a name or a mapping with 'column'.", "Write `- column: name`."),
        })];
    }

    private static IndexColumn FromItem(OperationFields item) => Parse(item.Identifier("column"), item, item, null);

    private static IndexColumn Parse(string name, OperationFields? options, OperationFields at, YamlNode? node)
    {
        if (node is not null) at.CheckIdentifier(name, node, "columns");
        var opclass = options?.OptionalMap("opclass", "name", "params");
        return new(name, options?.OptionalIdentifier("collate"), opclass?.Identifier("name"),
            opclass?.OptionalList("params") is not null ? [.. opclass.List("params").Children.Select(p => ((YamlScalarNode)p).Value ?? "")] : [],
            options?.Keyword("sort", "ASC", "DESC"), options?.Keyword("nulls", "FIRST", "LAST"));
    }

    /// <summary>The column in CREATE INDEX; opclass parameters are author SQL like a storage parameter.</summary>
    public string Sql =>
        Ident.Quote(Name)
        + (Collate is null ? "" : " COLLATE " + Ident.Quote(Collate))
        + (OpClass is null ? "" : " " + Ident.Quote(OpClass) + (OpClassParams.Count == 0 ? "" : $" ({string.Join(", ", OpClassParams)})"))
        + (Sort is null ? "" : " " + Sort)
        + (Nulls is null ? "" : " NULLS " + Nulls);
}
