using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.SetReplicaIdentity;

/// <summary>pgroll's <c>set_replica_identity</c>: catalog-only, in Expand; undone by going back to DEFAULT.</summary>
public sealed record PgrollSetReplicaIdentity(QualifiedName On, string Identity, string? Index) : UnitOperation
{
    public override string Kind => "set_replica_identity";

    public override OperationBrief Brief => new(
        $"Sets the replica identity of {On} to {Identity}{(Index is null ? "" : $" ({Index})")} in Expand (catalog-only).",
        "None for the applications; logical replication consumers see the new identity on updates and deletes.");

    public override QualifiedName? Table => On;

    public static PgrollSetReplicaIdentity Parse(OperationFields f)
    {
        var identity = f.Map("identity", "type", "index");
        var type = identity.Keyword("type", "default", "full", "nothing", "index")
            ?? throw identity.Error("type", "set_replica_identity.identity is missing 'type'.", "Add `type: full` (or default, nothing, index).");
        var index = type == "index" ? identity.Identifier("index") : null;
        return new(f.Relation("table"), type, index);
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var identity = Index is null ? Identity.ToUpperInvariant() : $"USING INDEX {Ident.Quote(Index)}";
        yield return Step(context, MigrationPhase.Expand, $"{On.Name}.replica_identity", $"Set replica identity of {On} to {identity} (catalog-only)",
            Ddl($"ALTER TABLE {On.Sql} REPLICA IDENTITY {identity}", On, LockMode.AccessExclusive),
            Undo($"Set replica identity of {On} back to DEFAULT", Ddl($"ALTER TABLE {On.Sql} REPLICA IDENTITY DEFAULT", On, LockMode.AccessExclusive)));
    }
}
