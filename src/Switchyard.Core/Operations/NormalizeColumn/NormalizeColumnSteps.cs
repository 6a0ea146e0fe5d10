using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>
/// A normalization's steps: lookup, aliases, target column, dual-write trigger and flag in Expand; the keyset backfill;
/// the completeness gate opening Validate and again before Contract; the trigger's removal when the legacy column goes.
/// Step keys are the ones journals have always recorded (table.column, no ordinal), so a run in flight resumes.
/// </summary>
internal static class NormalizeColumnSteps
{
    private static PlanStep Step(string key, MigrationPhase phase, string description, DdlStatement ddl, PlanRollback? rollback, CatalogProbe? appliedProbe = null, StepTraits traits = StepTraits.None) =>
        MigrationPlanner.Step(key, phase, description, ddl, rollback, appliedProbe, traits: traits);

    public static IEnumerable<PlanStep> Plan(NormalizationTarget t, string flag, bool sourceDropped)
    {
        var k = $"{t.Table.Name}.{t.SourceColumn}";
        yield return Step($"expand.{k}.create_lookup", MigrationPhase.Expand, $"Create lookup table {t.LookupTable} ({t.LookupIdColumn}, {t.LookupCodeColumn})",
            Ddl(NormalizationSql.CreateLookupTable(t), null, LockMode.None),
            Undo($"Drop lookup table {t.LookupTable}", Ddl($"DROP TABLE IF EXISTS {t.LookupTable.Sql}", t.LookupTable, LockMode.AccessExclusive)));
        yield return Step($"expand.{k}.seed_lookup", MigrationPhase.Expand, $"Seed {t.Codes.Count} codes into {t.LookupTable} (ids in listed order; the codes bound as $1)",
            NormalizationSql.SeedLookup(t), Nothing("Nothing: the codes go with the lookup table."));
        yield return Step($"expand.{k}.create_aliases", MigrationPhase.Expand, $"Create alias table {t.AliasTable} (alias, code) that the trigger, the backfill and validation read",
            Ddl(NormalizationSql.CreateAliasTable(t), null, LockMode.None),
            Undo($"Drop alias table {t.AliasTable}", Ddl($"DROP TABLE IF EXISTS {t.AliasTable.Sql}", t.AliasTable, LockMode.AccessExclusive)));
        yield return Step($"expand.{k}.fill_aliases", MigrationPhase.Expand,
            $"Fill {t.AliasTable} with {t.Aliases.Count} alias(es){(t.FallbackCode is null ? "" : " and the map_to code")} (bound as $1, $2)",
            NormalizationSql.FillAliases(t), Nothing("Nothing: the rows go with the alias table."));
        yield return Step($"expand.{k}.add_target", MigrationPhase.Expand, $"Add nullable column {t.Table}.{t.TargetColumn} (no default: catalog-only, no rewrite)",
            Ddl($"ALTER TABLE {t.Table.Sql} ADD COLUMN IF NOT EXISTS {Ident.Quote(t.TargetColumn)} integer", t.Table, LockMode.AccessExclusive),
            Undo($"Drop column {t.Table}.{t.TargetColumn}", Ddl($"ALTER TABLE {t.Table.Sql} DROP COLUMN IF EXISTS {Ident.Quote(t.TargetColumn)}", t.Table, LockMode.AccessExclusive)));
        var fn = NormalizationSql.TriggerFunction(t);
        yield return Step($"expand.{k}.trigger_function", MigrationPhase.Expand, $"Create dual-write function {fn} (unmapped: {t.Unmapped})",
            Ddl(NormalizationSql.TriggerFunctionSql(t), null, LockMode.None),
            Undo($"Drop function {fn}", Ddl($"DROP FUNCTION IF EXISTS {fn.Sql}()", null, LockMode.None)));
        var trigger = NormalizationSql.TriggerName(t);
        yield return Step($"expand.{k}.trigger", MigrationPhase.Expand, $"Create dual-write trigger {trigger} on {t.Table}",
            Ddl(NormalizationSql.CreateTrigger(t), t.Table, LockMode.ShareRowExclusive),
            Undo($"Drop trigger {trigger}", Ddl($"DROP TRIGGER IF EXISTS {Ident.Quote(trigger)} ON {t.Table.Sql}", t.Table, LockMode.AccessExclusive)));
        yield return Step($"expand.{k}.flags", MigrationPhase.Expand, $"Register flag {flag} (reads legacy, writes legacy)",
            new DdlStatement("INSERT INTO switchyard.flags (flag_key) VALUES ($1) ON CONFLICT (flag_key) DO NOTHING", [], Parameters: [flag]),
            Undo("Reset the flag to legacy reads and writes",
                new DdlStatement("UPDATE switchyard.flags SET read_mode = 'legacy', read_percent = 0, write_mode = 'legacy', version = version + 1, updated_at = now() WHERE flag_key = $1", [], Parameters: [flag])));
        yield return new PlanStep($"backfill.{k}", MigrationPhase.Backfill, StepKind.Backfill,
            $"Backfill {t.Table}.{t.TargetColumn} from {t.SourceColumn} in keyset batches (switchyard.role = backfill; idempotent)",
            NormalizationSql.BackfillBatch(t), LockMode.RowExclusive, t.Table.ToString(), false,
            Nothing("Nothing: the column is unused until Cutover and goes with Expand's rollback."), BackfillTarget: t);
        foreach (var gate in Gates(t)) yield return gate;
        if (!sourceDropped) yield break;
        // Without the trigger nothing fills the legacy column any more; writers on write mode `new` leave it out, so it
        // must accept NULL before the trigger goes, or their inserts fail until the column is dropped.
        yield return Step($"contract.{k}.source_nullable", MigrationPhase.Contract, $"Let {t.Table}.{t.SourceColumn} be NULL (writers no longer send it; catalog-only, brief lock)",
            Ddl($"ALTER TABLE {t.Table.Sql} ALTER COLUMN {Ident.Quote(t.SourceColumn)} DROP NOT NULL", t.Table, LockMode.AccessExclusive),
            PastPointOfNoReturn);
        yield return Step($"contract.{k}.drop_trigger", MigrationPhase.Contract, $"Drop dual-write trigger {trigger}",
            Ddl($"DROP TRIGGER IF EXISTS {Ident.Quote(trigger)} ON {t.Table.Sql}", t.Table, LockMode.AccessExclusive),
            PastPointOfNoReturn, CatalogProbes.TriggerMissing(t.Table, trigger), StepTraits.Drops);
        yield return Step($"contract.{k}.drop_trigger_function", MigrationPhase.Contract, $"Drop function {fn}",
            Ddl($"DROP FUNCTION IF EXISTS {fn.Sql}()", null, LockMode.None), PastPointOfNoReturn, traits: StepTraits.Drops);
    }

    /// <summary>
    /// The completeness gate opens Validate (nothing is validated or made NOT NULL over rows the backfill missed), and
    /// the same proof gates Contract against the cut-over shape: nothing is dropped over a table that drifted since.
    /// </summary>
    private static IEnumerable<PlanStep> Gates(NormalizationTarget t)
    {
        var proof = new NormalizationProof(t);
        yield return new PlanStep($"validate.{t.Table.Name}.{t.TargetColumn}.complete", MigrationPhase.Validate, StepKind.Gate,
            $"Gate: every {t.Table}.{t.TargetColumn} is set and matches the mapped {t.SourceColumn}", NormalizationSql.Completeness(t),
            LockMode.AccessShare, t.Table.ToString(), false, null, Proof: proof);
        yield return new PlanStep($"contract.{t.Table.Name}.{t.TargetColumn}.gate", MigrationPhase.Contract, StepKind.Gate,
            $"Gate: the table is still in the validated, cut-over shape and every {t.Table}.{t.TargetColumn} matches the mapped {t.SourceColumn}; nothing is dropped otherwise",
            NormalizationSql.Completeness(t), LockMode.AccessShare, t.Table.ToString(), false, null, Proof: proof);
    }
}
