using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Operations;

/// <summary>A spec operation that is a unit: it plans itself (see <see cref="IMigrationOperation"/>).</summary>
public abstract record UnitOperation : SpecOperation, IMigrationOperation
{
    public abstract QualifiedName? Table { get; }

    public virtual IEnumerable<CatalogNeed> Needs => Table is null ? [] : [new CatalogNeed(Table, null)];

    public virtual IEnumerable<CatalogNeed> Creates => [];

    public abstract IEnumerable<PlanStep> Plan(OperationPlanContext context);
}
