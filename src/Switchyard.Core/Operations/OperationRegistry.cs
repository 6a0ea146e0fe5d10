using Switchyard.Core.Operations.AddColumn;
using Switchyard.Core.Operations.AlterColumn;
using Switchyard.Core.Operations.CreateConstraint;
using Switchyard.Core.Operations.CreateIndex;
using Switchyard.Core.Operations.CreateTable;
using Switchyard.Core.Operations.DropColumn;
using Switchyard.Core.Operations.DropConstraint;
using Switchyard.Core.Operations.DropIndex;
using Switchyard.Core.Operations.DropTable;
using Switchyard.Core.Operations.RenameColumn;
using Switchyard.Core.Operations.RenameConstraint;
using Switchyard.Core.Operations.RenameTable;
using Switchyard.Core.Operations.SetReplicaIdentity;
using Switchyard.Core.Operations.Sql;

namespace Switchyard.Core.Operations;

/// <summary>
/// The one list of operation kinds a pgroll-format file may use: kind → its fields and parser. Adding an operation is
/// its folder plus one line here.
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
        ["drop_index"] = new(["name"], PgrollDropIndex.Parse),
        ["create_constraint"] = new(["table", "up", "down", .. Shared.TableConstraintSpec.Fields], PgrollCreateConstraint.Parse),
        ["drop_constraint"] = new(["table", "name", "up", "down"], PgrollDropConstraint.Parse),
        ["drop_multicolumn_constraint"] = new(["table", "name", "up", "down"], PgrollDropConstraint.ParseMultiColumn),
        ["rename_constraint"] = new(["table", "from", "to"], PgrollRenameConstraint.Parse),
        ["set_replica_identity"] = new(["table", "identity"], PgrollSetReplicaIdentity.Parse),
        ["sql"] = new(["up", "down", "onComplete"], PgrollSql.Parse),
    };
}
