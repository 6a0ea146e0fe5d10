using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.CreateTable;

/// <summary><c>create_table</c>: a new table, optionally seeded with rows (column → literal value, bound as parameters).</summary>
public sealed record CreateTableOperation(QualifiedName Table, IReadOnlyList<ColumnDefinition> Columns, IReadOnlyList<IReadOnlyDictionary<string, string?>> Seed) : UnitOperation
{
    public override string Kind => "create_table";

    public override QualifiedName Table { get; } = Table;

    public override string Summary =>
        $"{Table} ({string.Join(", ", Columns.Select(x => x.Name + " " + x.Type))}){(Seed.Count > 0 ? $", {Seed.Count} seed row(s)" : "")}";

    public override OperationBrief Brief => new(
        $"Creates table {Table} ({Columns.Count} column(s){(Seed.Count > 0 ? $", {Seed.Count} seed row(s)" : "")}) in Expand.",
        "None for the old version: the table is new. The new version may use it once Expand is done.");

    public override IEnumerable<CatalogNeed> Needs => [];

    public override IEnumerable<CatalogNeed> Creates => [new(Table, null)];

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static CreateTableOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "table", "columns", "seed");
        var columnsNode = r.Required(map, "columns", "`columns: [{ name: id, type: bigint, primary_key: true }]`");
        if (columnsNode is not YamlSequenceNode cols || cols.Children.Count == 0)
            throw r.Error(columnsNode, "'columns' must be a non-empty list.", "Write `columns: [{ name: id, type: bigint, primary_key: true }]`.");
        var columns = cols.Children.Select(r.Column).ToList();
        var seed = new List<IReadOnlyDictionary<string, string?>>();
        if (SpecLoader.Reader.Optional(map, "seed") is { } seedNode)
        {
            if (seedNode is not YamlSequenceNode rows) throw r.Error(seedNode, "'seed' must be a list of rows.", "Write `seed: [{ code: settled }]`.");
            foreach (var row in rows.Children)
            {
                var rowMap = r.Map(row, "seed row", "`{ column: value }`");
                var values = new Dictionary<string, string?>();
                foreach (var (k, v) in rowMap.Children)
                {
                    var col = r.Text(k, "column");
                    if (columns.All(c => c.Name != col))
                        throw r.Error(k, $"seed row names column '{col}', which the table does not define.", $"Use one of: {string.Join(", ", columns.Select(c => c.Name))}.");
                    values[col] = (v as YamlScalarNode)?.Value;
                }
                seed.Add(values);
            }
        }
        return new CreateTableOperation(r.Table(map), columns, seed);
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var columns = Columns.Select(col =>
            $"{Ident.Quote(col.Name)} {col.Type}{(col.PrimaryKey ? " PRIMARY KEY" : "")}{(col.Nullable || col.PrimaryKey ? "" : " NOT NULL")}{(col.Default is null ? "" : " DEFAULT " + col.Default)}");
        yield return MigrationPlanner.Step($"expand.{Table.Name}.create", MigrationPhase.Expand, $"Create table {Table}",
            Ddl($"CREATE TABLE IF NOT EXISTS {Table.Sql} ({string.Join(", ", columns)})", null, LockMode.None),
            Undo($"Drop table {Table}", Ddl($"DROP TABLE IF EXISTS {Table.Sql}", Table, LockMode.AccessExclusive)));
        if (Seed.Count == 0) yield break;
        // Each value is a bind parameter sent untyped, so PostgreSQL reads it as its column's type; a missing one is DEFAULT.
        var names = Columns.Select(x => x.Name).Where(n => Seed.Any(r => r.ContainsKey(n))).ToList();
        var values = new List<object?>();
        var rows = Seed.Select(r => "(" + string.Join(", ", names.Select(n =>
        {
            if (!r.TryGetValue(n, out var v) || v is null) return "DEFAULT";
            values.Add(new UntypedText(v));
            return "$" + values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        })) + ")").ToList();
        yield return MigrationPlanner.Step($"expand.{Table.Name}.seed", MigrationPhase.Expand, $"Seed {Seed.Count} row(s) into {Table} (values bound as parameters)",
            new DdlStatement($"INSERT INTO {Table.Sql} ({string.Join(", ", names.Select(Ident.Quote))}) VALUES {string.Join(", ", rows)} ON CONFLICT DO NOTHING", [], Parameters: values),
            Nothing("Nothing: the rows go with the table."));
    }
}
