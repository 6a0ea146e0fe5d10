using Switchyard.Core.Operations.AddColumn;
using Switchyard.Core.Operations.AddForeignKey;
using Switchyard.Core.Operations.AlterColumn;
using Switchyard.Core.Operations.CreateConstraint;
using Switchyard.Core.Operations.CreateIndex;
using Switchyard.Core.Operations.CreateTable;
using Switchyard.Core.Operations.DropColumn;
using Switchyard.Core.Operations.DropConstraint;
using Switchyard.Core.Operations.DropIndex;
using Switchyard.Core.Operations.DropTable;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Operations.RawSql;
using Switchyard.Core.Operations.RenameColumn;
using Switchyard.Core.Operations.RenameConstraint;
using Switchyard.Core.Operations.RenameTable;
using Switchyard.Core.Operations.SetNotNull;
using Switchyard.Core.Operations.SetReplicaIdentity;
using Switchyard.Core.Operations.Sql;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Operations;

/// <summary>
/// The one list of operation kinds, per file format: kind → its parser (and, for pgroll's, its fields). Adding an
/// operation is its folder plus one line here; the loaders, planner and catalog check ask only the unit.
/// </summary>
public static class OperationRegistry
{
    public sealed record Entry(string[] Fields, Func<OperationFields, UnitOperation> Parse);

    public static readonly IReadOnlyDictionary<string, Entry> Pgroll = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        ["create_table"] = new(["name", "columns", "constraints", "comment"], PgrollCreateTable.Parse),
        ["drop_table"] = new(["name"], PgrollDropTable.Parse),
        ["rename_table"] = new(["from", "to"], PgrollRenameTable.Parse),
        ["add_column"] = new(["table", "column", "up"], PgrollAddColumn.Parse),
        ["drop_column"] = new(["table", "column", "down"], PgrollDropColumn.Parse),
        ["alter_column"] = new(["table", "column", "name", "type", "nullable", "default", "comment", "check", "unique", "references", "up", "down"], PgrollAlterColumn.Parse),
        ["rename_column"] = new(["table", "from", "to"], PgrollRenameColumn.Parse),
        ["create_index"] = new(["table", "name", "columns", "unique", "method", "predicate", "storage_parameters"], PgrollCreateIndex.Parse),
        ["drop_index"] = new(["name"], DropIndexOperation.Parse),
        ["create_constraint"] = new(["table", "up", "down", .. Shared.TableConstraintSpec.Fields], PgrollCreateConstraint.Parse),
        ["drop_constraint"] = new(["table", "name", "up", "down"], PgrollDropConstraint.Parse),
        ["drop_multicolumn_constraint"] = new(["table", "name", "up", "down"], PgrollDropConstraint.ParseMultiColumn),
        ["rename_constraint"] = new(["table", "from", "to"], PgrollRenameConstraint.Parse),
        ["set_replica_identity"] = new(["table", "identity"], PgrollSetReplicaIdentity.Parse),
        ["sql"] = new(["up", "down", "onComplete"], PgrollSql.Parse),
    };

    /// <summary>The kinds a Switchyard spec may use, in the order error messages list them.</summary>
    internal static readonly IReadOnlyDictionary<string, Func<SpecLoader.Reader, YamlMappingNode, UnitOperation>> Switchyard =
        new Dictionary<string, Func<SpecLoader.Reader, YamlMappingNode, UnitOperation>>(StringComparer.Ordinal)
        {
            ["create_table"] = CreateTableOperation.Parse,
            ["add_column"] = AddColumnOperation.Parse,
            ["normalize_column"] = NormalizeColumnOperation.Parse,
            ["create_index"] = CreateIndexOperation.Parse,
            ["add_foreign_key"] = AddForeignKeyOperation.Parse,
            ["set_not_null"] = SetNotNullOperation.Parse,
            ["drop_column"] = DropColumnOperation.Parse,
            ["raw_sql"] = RawSqlOperation.Parse,
            ["drop_index"] = DropIndexOperation.Parse,
        };
}
