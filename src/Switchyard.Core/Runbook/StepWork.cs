using Switchyard.Core.Planning;

namespace Switchyard.Core.Runbook;

/// <summary>What a step costs in machine time, by the kind of pass it makes over the table.</summary>
public enum StepWorkKind
{
    /// <summary>Catalog only: under a second whatever the table's size.</summary>
    CatalogOnly,

    /// <summary>The throttled backfill: every row rewritten once.</summary>
    Backfill,

    /// <summary>A concurrent index build: the heap read and sorted.</summary>
    IndexBuild,

    /// <summary>A full read (a validation gate, VALIDATE CONSTRAINT).</summary>
    Scan,

    /// <summary>People set the pace (Cutover's flag steps).</summary>
    PeoplePaced,
}

/// <summary>Classifies a plan step by the work it does, for the runbook's estimates (as planned and at full scale).</summary>
public static class StepWork
{
    public static StepWorkKind Of(PlanStep step) => step.Kind switch
    {
        StepKind.Backfill => StepWorkKind.Backfill,
        StepKind.Gate => StepWorkKind.Scan,
        StepKind.Cutover => StepWorkKind.PeoplePaced,
        _ when step.Traits.HasFlag(StepTraits.IndexBuild) => StepWorkKind.IndexBuild,
        _ when step.Traits.HasFlag(StepTraits.Scans) => StepWorkKind.Scan,
        _ => StepWorkKind.CatalogOnly,
    };
}
