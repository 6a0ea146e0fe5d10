using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Operations.Pgroll;

/// <summary>
/// Reads a migration file in pgroll's format (YAML, or JSON, which the YAML parser reads as flow style): top-level
/// <c>operations</c>, optional <c>name</c> and <c>version_schema</c> (see <see cref="VersionSchemaNames"/>); its name is the file name without extension
/// unless it has <c>name</c>. Every operation comes from <see cref="OperationRegistry"/>; an unknown one is an error.
/// </summary>
public static class PgrollMigrationLoader
{
    /// <summary>pgroll's files have <c>operations</c> and none of Switchyard's own top-level keys.</summary>
    public static bool IsPgroll(YamlMappingNode root) =>
        root.Children.ContainsKey(new YamlScalarNode("operations")) && !root.Children.ContainsKey(new YamlScalarNode("migration"));

    public static MigrationSpec Load(YamlMappingNode root, string text, string file)
    {
        var top = new OperationFields(root, file, "a pgroll migration", "operations", "name", "version_schema");
        var name = top.OptionalText("name") ?? Path.GetFileNameWithoutExtension(file);
        var versions = VersionSchemaNames.From(top, name);
        var operations = top.List("operations").Children.Select(item => Operation(item, file)).ToList();
        return new MigrationSpec(name, operations, text, Path.GetFullPath(file)) { NameLocation = top.Location, VersionSchemas = versions };
    }

    private static SpecOperation Operation(YamlNode item, string file)
    {
        var kinds = string.Join(", ", OperationRegistry.Pgroll.Keys);
        if (item is not YamlMappingNode { Children.Count: 1 } wrapper)
            throw new SpecException(new SpecLocation(file, (int)item.Start.Line, (int)item.Start.Column),
                "each operation is a mapping with exactly one key naming the operation.", $"Write `- create_table: {{...}}`; known operations: {kinds}.");
        var (keyNode, body) = wrapper.Children.First();
        var kind = (keyNode as YamlScalarNode)?.Value ?? "";
        var at = new SpecLocation(file, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
        if (!OperationRegistry.Pgroll.TryGetValue(kind, out var entry))
            throw new SpecException(at, $"unknown operation '{kind}'.", $"Known operations: {kinds}.");
        if (body is not YamlMappingNode map)
            throw new SpecException(at, $"'{kind}' must be a mapping of its fields.", $"Fields of {kind}: {string.Join(", ", entry.Fields)}.");
        var fields = new OperationFields(map, file, kind, entry.Fields);
        return entry.Parse(fields) with { Location = at, FieldLocations = fields.Locations };
    }
}
