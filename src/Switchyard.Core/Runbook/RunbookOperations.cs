using Switchyard.Core.Planning;

namespace Switchyard.Core.Runbook;

/// <summary>
/// The runbook's account of the migration operation by operation (each operation writes its own brief), and the
/// deployment sequencing that follows from them: flag rollout for a normalization, deploy-then-confirm otherwise.
/// </summary>
internal static class RunbookOperations
{
    public static RunbookSection Section(MigrationPlan plan) => new(2, "What changes, operation by operation",
    [
        new RunbookTable(["#", "operation", "table", "what changes", "what it means for the applications"],
            [.. plan.Operations.Select((o, i) => (IReadOnlyList<string>)[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), o.Kind, o.Table ?? "-", o.Brief.Change, o.Brief.Applications])]),
    ]);

    public static RunbookSection Sequencing(MigrationPlan plan) => new(2, "Deployment sequencing",
    [
        new RunbookNumbered(plan.FlagKey is not null
            ?
            [
                "Expand runs before app v2 deploys. App v1 keeps working unchanged: the dual-write trigger fills the new column for every v1 write.",
                "Deploy app v2 (writes both shapes, reads by flag) to every instance during Backfill/Validate. v1 and v2 may run side by side.",
                "Cutover starts only when v2 is fully deployed (no v1 instance reads by flag otherwise): flags go shadow → new at 1% → 10% → 50% → 100% → new_only.",
                "Contract starts only when no v1 instance is left anywhere (including batch jobs and consumers) and the operator confirms the migration name.",
            ]
            : plan.VersionSchemas is { } v
            ?
            [
                $"Before Expand, nothing changes for the old version. After Expand it may set `Search Path={v.Previous},{plan.TargetTable.Schema}` (views of the shape before the migration); a rollback drops that schema and its names fall through to the table, which has the old shape again.",
                $"Deploy the new version once Expand is done with `Search Path={v.New},{plan.TargetTable.Schema}`: its views show the shape after the migration (new names and types) while the table still has the old one. Old and new run side by side; the triggers fill each version's columns from the other's writes.",
                "There are no flags to flip: apply stops before Contract.",
                $"Contract starts only when no old-version instance is left (it drops {v.Previous}) and the operator confirms the migration name; the new version keeps working across it (its views are rebuilt over the final columns).",
            ]
            :
            [
                "Expand runs before the new application version deploys. The old version keeps working: the table keeps every name and type it uses until Contract (the table above says what each operation means for it).",
                "Deploy the new version once Expand is done (during Backfill or Validate). Old and new may run side by side until Contract.",
                plan.Phase(MigrationPhase.Validate).Steps.Count > 0
                    ? "There are no flags to flip: Validate's steps prove the existing rows, and apply stops before Contract."
                    : "There are no flags to flip: apply stops before Contract.",
                "Contract starts only when no old-version instance is left anywhere (including batch jobs and consumers) and the operator confirms the migration name.",
            ]),
    ]);
}
