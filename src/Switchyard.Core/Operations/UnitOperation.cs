using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Operations;

/// <summary>A spec operation that is a unit: it plans itself (see <see cref="IMigrationOperation"/>).</summary>
public abstract record UnitOperation : SpecOperation, IMigrationOperation
{
    public abstract QualifiedName? Table { get; }

    public sealed override QualifiedName? WorksOn => Table;

    public virtual IEnumerable<CatalogNeed> Needs => Table is null ? [] : [new CatalogNeed(Table, null)];

    public virtual IEnumerable<CatalogNeed> Creates => [];

    public virtual IEnumerable<CatalogNeed> AddsColumns => [];

    /// <summary>By default the table is only touched: both versions see it as it is.</summary>
    public virtual void ShapeVersions(VersionSchemas.VersionedTables tables)
    {
        if (Table is { } t) tables.Touch(t);
    }

    public abstract IEnumerable<PlanStep> Plan(OperationPlanContext context);

    /// <summary>The flag people flip in Cutover to move the application's reads and writes, or null when the operation has none.</summary>
    public virtual string? FlagKey => null;

    /// <summary>True when a gate of this operation proves every row with a <see cref="RowProof"/>, which <c>validate</c> runs on demand.</summary>
    public virtual bool ProvesRows => false;

    /// <summary>The go/no-go checks this operation adds to a phase of the runbook (none by default).</summary>
    public virtual IEnumerable<string> GoNoGo(MigrationPhase phase, Runbook.RunbookFacts facts) => [];

    /// <summary>Checks the live data before anything runs (after its <see cref="Needs"/> are found), throwing a <see cref="SpecException"/> that says what to fix.</summary>
    public virtual Task CheckLiveAsync(SafeSqlRunner sql, CancellationToken ct) => Task.CompletedTask;
}
