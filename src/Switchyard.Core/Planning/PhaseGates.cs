namespace Switchyard.Core.Planning;

/// <summary>
/// What must be true before the next phase starts. A migration with a feature flag (a normalization) waits for people
/// to deploy app v2 and flip the flags; one without flags needs people only to confirm Contract.
/// </summary>
internal static class PhaseGates
{
    public static string WithFlags(MigrationPhase phase, string name, string flagKey) => phase switch
    {
        MigrationPhase.Expand => "Automatic: every Expand step done. From here app v2 may deploy (it writes both shapes; the trigger covers v1).",
        MigrationPhase.Backfill => "Automatic: the backfill reached the end of the table with no unmapped values.",
        MigrationPhase.Validate => $"People: app v2 deployed to every instance. Then flip flags with `switchyard cutover -m {name} --reads shadow --writes both` (this starts Cutover).",
        MigrationPhase.Cutover => $"People: cutover finished ({flagKey}: reads new_only, writes new), no app v1 instance left, and Contract confirmed with `switchyard apply <spec> --confirm {name}`.",
        _ => "Point of no return: after Contract the old shape is gone (only the compat view remains); rollback cannot restore it.",
    };

    public static string WithoutFlags(MigrationPhase phase, string name) => phase switch
    {
        MigrationPhase.Expand => "Automatic: every Expand step done. From here the new application version may deploy; the old one keeps working.",
        MigrationPhase.Backfill => "Automatic: the backfill reached the end of the table.",
        MigrationPhase.Validate => "Automatic: every Validate step done (constraints validated, indexes valid). There are no flags to flip.",
        MigrationPhase.Cutover => $"People: the new version deployed, no old-version instance left anywhere, and Contract confirmed with `switchyard apply <spec> --confirm {name}`.",
        _ => "Point of no return: after Contract the old shape is gone; rollback cannot restore it.",
    };
}
