using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Planning;

/// <summary>Turns a checked spec into a <see cref="MigrationPlan"/>: the steps of each operation placed in their phases.</summary>
public static class MigrationPlanner
{
    /// <param name="spec">The spec.</param>
    /// <param name="liveColumns">Live columns per table (from <see cref="SpecCatalogCheck"/>), for the compat view's column list.</param>
    public static MigrationPlan Build(MigrationSpec spec, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> liveColumns) =>
        Build(spec, liveColumns, new Dictionary<QualifiedName, PartitionedTable>());

    /// <param name="partitioned">The spec's tables the catalog says are partitioned (relkind 'p'), from <see cref="CatalogPartitions"/>.</param>
    /// <param name="earlierVersionSchemas">Earlier version schemas with views on the spec's tables (<see cref="Operations.VersionSchemas.VersionSchemaCatalog"/>), dropped in Contract.</param>
    public static MigrationPlan Build(MigrationSpec spec, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> liveColumns, IReadOnlyDictionary<QualifiedName, PartitionedTable> partitioned,
        IReadOnlyList<string>? earlierVersionSchemas = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(partitioned);
        var steps = new List<PlanStep>();
        var normalizations = spec.Operations.OfType<NormalizeColumnOperation>().Select(n => n.Target).ToList();
        var ordinal = 0;
        foreach (var op in spec.Operations)
        {
            ordinal++;
            switch (op)
            {
                case CreateTableOperation c: steps.AddRange(CreateTable(c)); break;
                case AddColumnOperation a: steps.AddRange(AddColumn(a)); break;
                case NormalizeColumnOperation n: steps.AddRange(Normalize(n.Target, spec.Operations.OfType<DropColumnOperation>().Any(d => d.Table == n.Target.Table && d.Column == n.Target.SourceColumn))); break;
                case CreateIndexOperation i when partitioned.TryGetValue(i.Table, out var p): steps.AddRange(PartitionedIndexSteps.Build(i, p)); break;
                case CreateIndexOperation i: steps.Add(CreateIndex(i)); break;
                case AddForeignKeyOperation f when partitioned.TryGetValue(f.Table, out var p): steps.AddRange(PartitionedForeignKeySteps.Build(f, p)); break;
                case AddForeignKeyOperation f: steps.AddRange(ForeignKey(f)); break;
                case SetNotNullOperation s: steps.AddRange(SetNotNull(s, partitioned.GetValueOrDefault(s.Table)?.Partitions ?? [])); break;
                case DropColumnOperation d: steps.AddRange(DropColumn(d, normalizations, liveColumns)); break;
                case RawSqlOperation r: steps.Add(RawSql(r, steps.Count)); break;
                case IMigrationOperation unit: steps.AddRange(unit.Plan(new OperationPlanContext(ordinal, liveColumns))); break;
                default: throw new SpecException(op.Location, $"operation '{op.Kind}' has no planner.", "Report this as a bug.");
            }
        }
        if (spec.VersionSchemas is { } names)
        {
            var versions = Operations.VersionSchemas.VersionSchemaSteps.Plan(names, Operations.VersionSchemas.VersionSchemaShape.Of(spec, liveColumns),
                earlierVersionSchemas ?? [], steps.Any(s => s.Phase == MigrationPhase.Contract));
            steps.InsertRange(0, versions.ContractFirst);
            steps.AddRange(versions.ExpandLast);
            steps.AddRange(versions.ContractLast);
        }
        // The completeness gate opens Validate: nothing is validated or made NOT NULL over rows the backfill missed.
        foreach (var t in normalizations)
        {
            steps.Add(new PlanStep($"validate.{t.Table.Name}.{t.TargetColumn}.complete", MigrationPhase.Validate, StepKind.Gate,
                $"Gate: every {t.Table}.{t.TargetColumn} is set and matches the mapped {t.SourceColumn}", NormalizationSql.Completeness(t),
                LockMode.AccessShare, t.Table.ToString(), false, null, Target: t));
        }
        // The same suite gates Contract, against the cut-over shape: nothing is dropped over a table that drifted since Validate.
        foreach (var t in normalizations)
        {
            steps.Add(new PlanStep($"contract.{t.Table.Name}.{t.TargetColumn}.gate", MigrationPhase.Contract, StepKind.Gate,
                $"Gate: the table is still in the validated, cut-over shape and every {t.Table}.{t.TargetColumn} matches the mapped {t.SourceColumn}; nothing is dropped otherwise",
                NormalizationSql.Completeness(t), LockMode.AccessShare, t.Table.ToString(), false, null, Target: t));
        }
        var target = normalizations.FirstOrDefault()?.Table ?? FirstTable(spec);
        var flagKey = FlagKey(spec);
        if (flagKey is not null)
        {
            steps.Add(new PlanStep("cutover.flags", MigrationPhase.Cutover, StepKind.Cutover,
                $"People flip {flagKey} with `switchyard cutover --reads <mode> --percent <n> --writes <mode>`: reads shadow → new at 1/10/50/100% → new_only; writes both → new",
                "UPDATE switchyard.flags SET read_mode = ..., read_percent = ..., write_mode = ... WHERE flag_key = $1",
                LockMode.None, null, false,
                new PlanRollback("Flip the flags back to legacy reads and writes (instant).",
                    "UPDATE switchyard.flags SET read_mode = 'legacy', read_percent = 0, write_mode = 'legacy' WHERE flag_key = $1", LockMode.None, null)));
        }
        // A partitioned table keeps its partitions from the first step to the last (see PartitionGuardSteps).
        if (steps.Count > 0)
        {
            var last = steps.Max(s => s.Phase);
            steps.InsertRange(0, partitioned.Values.OrderBy(p => p.Table.ToString(), StringComparer.Ordinal).SelectMany(p => PartitionGuardSteps.Expand(spec.Name, p)));
            steps.AddRange(partitioned.Values.OrderBy(p => p.Table.ToString(), StringComparer.Ordinal).Select(p => PartitionGuardSteps.Release(p, last)));
        }
        // Steps keep spec order within a phase; the Validate gate goes first in its phase.
        var phases = Enum.GetValues<MigrationPhase>().Select(p => new PlanPhase(p,
            [.. steps.Where(s => s.Phase == p).OrderBy(s => s.Kind == StepKind.Gate ? 0 : 1)],
            flagKey is null ? PhaseGates.WithoutFlags(p, spec.Name) : PhaseGates.WithFlags(p, spec.Name, flagKey),
            p is MigrationPhase.Cutover || (flagKey is not null && p is MigrationPhase.Validate), p == MigrationPhase.Contract)).ToList();
        return new MigrationPlan(spec.Name, spec.Checksum, spec.SourcePath, target, flagKey, phases)
        {
            Guards = spec.Guards,
            Operations = [.. spec.Operations.Select(o => new PlannedOperation(o.Kind, o.WorksOn?.ToString(), o.Brief))],
            VersionSchemas = spec.VersionSchemas,
        };
    }

    public static string FlagKey(NormalizationTarget t) => $"{t.Table.Schema}.{t.Table.Name}.{t.SourceColumn}";

    /// <summary>The flag the spec's plan registers (its first normalize_column's), or null when it has none.</summary>
    public static string? FlagKey(MigrationSpec spec) =>
        spec.Operations.OfType<NormalizeColumnOperation>().FirstOrDefault() is { } n ? FlagKey(n.Target) : null;

    /// <summary>The table a migration without a normalization is journaled under: its first operation's table.</summary>
    public static QualifiedName FirstTable(MigrationSpec spec) => spec.Operations.Select(o => o.WorksOn).FirstOrDefault(t => t is not null) ?? new QualifiedName("public", spec.Name);

    internal static DdlStatement Ddl(string sql, QualifiedName? table, LockMode mode, bool concurrently = false, string? repair = null) =>
        new(sql, table is null || mode == LockMode.None ? [] : [new TableLock(table, mode)], concurrently, repair);

    internal static PlanStep Step(string key, MigrationPhase phase, string description, DdlStatement ddl, PlanRollback? rollback, CatalogProbe? appliedProbe = null, CatalogProbe? halfAppliedProbe = null, StepTraits traits = StepTraits.None)
    {
        var strongest = ddl.Locks.OrderByDescending(l => l.Mode).FirstOrDefault();
        return new PlanStep(key, phase, StepKind.Ddl, description, ddl.Text, strongest?.Mode ?? LockMode.None, strongest?.Table.ToString(), false, rollback, ddl, appliedProbe, halfAppliedProbe, Traits: traits);
    }

    internal static PlanRollback Undo(string description, DdlStatement ddl) =>
        new(description, ddl.Text, ddl.Locks.Count == 0 ? LockMode.None : ddl.Locks.Max(l => l.Mode), ddl);

    internal static PlanRollback Nothing(string why) => new(why, null, LockMode.None, null);

    private static IEnumerable<PlanStep> CreateTable(CreateTableOperation c)
    {
        var columns = c.Columns.Select(col =>
            $"{Ident.Quote(col.Name)} {col.Type}{(col.PrimaryKey ? " PRIMARY KEY" : "")}{(col.Nullable || col.PrimaryKey ? "" : " NOT NULL")}{(col.Default is null ? "" : " DEFAULT " + col.Default)}");
        yield return Step($"expand.{c.Table.Name}.create", MigrationPhase.Expand, $"Create table {c.Table}",
            Ddl($"CREATE TABLE IF NOT EXISTS {c.Table.Sql} ({string.Join(", ", columns)})", null, LockMode.None),
            Undo($"Drop table {c.Table}", Ddl($"DROP TABLE IF EXISTS {c.Table.Sql}", c.Table, LockMode.AccessExclusive)));
        if (c.Seed.Count == 0) yield break;
        // Each value is a bind parameter sent untyped, so PostgreSQL reads it as its column's type; a missing one is DEFAULT.
        var names = c.Columns.Select(x => x.Name).Where(n => c.Seed.Any(r => r.ContainsKey(n))).ToList();
        var values = new List<object?>();
        var rows = c.Seed.Select(r => "(" + string.Join(", ", names.Select(n =>
        {
            if (!r.TryGetValue(n, out var v) || v is null) return "DEFAULT";
            values.Add(new UntypedText(v));
            return "$" + values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        })) + ")").ToList();
        yield return Step($"expand.{c.Table.Name}.seed", MigrationPhase.Expand, $"Seed {c.Seed.Count} row(s) into {c.Table} (values bound as parameters)",
            new DdlStatement($"INSERT INTO {c.Table.Sql} ({string.Join(", ", names.Select(Ident.Quote))}) VALUES {string.Join(", ", rows)} ON CONFLICT DO NOTHING", [], Parameters: values),
            Nothing("Nothing: the rows go with the table."));
    }

    private static IEnumerable<PlanStep> AddColumn(AddColumnOperation a)
    {
        var col = a.Column;
        yield return Step($"expand.{a.Table.Name}.{col.Name}.add", MigrationPhase.Expand, $"Add column {a.Table}.{col.Name} {col.Type} (catalog-only change, no rewrite)",
            Ddl($"ALTER TABLE {a.Table.Sql} ADD COLUMN IF NOT EXISTS {Ident.Quote(col.Name)} {col.Type}{(col.Default is null ? "" : " DEFAULT " + col.Default)}{(col.Nullable ? "" : " NOT NULL")}", a.Table, LockMode.AccessExclusive),
            Undo($"Drop column {a.Table}.{col.Name}", Ddl($"ALTER TABLE {a.Table.Sql} DROP COLUMN IF EXISTS {Ident.Quote(col.Name)}", a.Table, LockMode.AccessExclusive)));
    }

    private static IEnumerable<PlanStep> Normalize(NormalizationTarget t, bool sourceDropped)
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
        var flag = FlagKey(t);
        yield return Step($"expand.{k}.flags", MigrationPhase.Expand, $"Register flag {flag} (reads legacy, writes legacy)",
            new DdlStatement("INSERT INTO switchyard.flags (flag_key) VALUES ($1) ON CONFLICT (flag_key) DO NOTHING", [], Parameters: [flag]),
            Undo("Reset the flag to legacy reads and writes",
                new DdlStatement("UPDATE switchyard.flags SET read_mode = 'legacy', read_percent = 0, write_mode = 'legacy', version = version + 1, updated_at = now() WHERE flag_key = $1", [], Parameters: [flag])));
        yield return new PlanStep($"backfill.{k}", MigrationPhase.Backfill, StepKind.Backfill,
            $"Backfill {t.Table}.{t.TargetColumn} from {t.SourceColumn} in keyset batches (switchyard.role = backfill; idempotent)",
            NormalizationSql.BackfillBatch(t), LockMode.RowExclusive, t.Table.ToString(), false,
            Nothing("Nothing: the column is unused until Cutover and goes with Expand's rollback."), Target: t);
        if (!sourceDropped) yield break;
        // Without the trigger nothing fills the legacy column any more; writers on write mode `new` leave it out, so it
        // must accept NULL before the trigger goes, or their inserts fail until the column is dropped.
        yield return Step($"contract.{k}.source_nullable", MigrationPhase.Contract, $"Let {t.Table}.{t.SourceColumn} be NULL (writers no longer send it; catalog-only, brief lock)",
            Ddl($"ALTER TABLE {t.Table.Sql} ALTER COLUMN {Ident.Quote(t.SourceColumn)} DROP NOT NULL", t.Table, LockMode.AccessExclusive),
            Nothing("Point of no return: not undone."));
        yield return Step($"contract.{k}.drop_trigger", MigrationPhase.Contract, $"Drop dual-write trigger {trigger}",
            Ddl($"DROP TRIGGER IF EXISTS {Ident.Quote(trigger)} ON {t.Table.Sql}", t.Table, LockMode.AccessExclusive),
            Nothing("Point of no return: not undone."), CatalogProbes.TriggerMissing(t.Table, trigger), traits: StepTraits.Drops);
        yield return Step($"contract.{k}.drop_trigger_function", MigrationPhase.Contract, $"Drop function {fn}",
            Ddl($"DROP FUNCTION IF EXISTS {fn.Sql}()", null, LockMode.None), Nothing("Point of no return: not undone."), traits: StepTraits.Drops);
    }

    private static PlanStep CreateIndex(CreateIndexOperation i)
    {
        var index = new QualifiedName(i.Table.Schema, i.Name);
        var drop = $"DROP INDEX CONCURRENTLY IF EXISTS {index.Sql}";
        return Step($"validate.{i.Table.Name}.{i.Name}", MigrationPhase.Validate, $"Build index {i.Name} CONCURRENTLY (reads and writes continue)",
            Ddl($"CREATE {(i.Unique ? "UNIQUE " : "")}INDEX CONCURRENTLY IF NOT EXISTS {Ident.Quote(i.Name)} ON {i.Table.Sql} ({string.Join(", ", i.Columns.Select(Ident.Quote))})",
                i.Table, LockMode.ShareUpdateExclusive, concurrently: true, repair: drop),
            Undo($"Drop index {i.Name} CONCURRENTLY", Ddl(drop, i.Table, LockMode.ShareUpdateExclusive, concurrently: true)),
            CatalogProbes.IndexValid(index), CatalogProbes.IndexInvalid(index), StepTraits.IndexBuild) with { Index = new BuiltIndex(i.Table, i.Name, i.Columns) };
    }

    private static IEnumerable<PlanStep> ForeignKey(AddForeignKeyOperation f)
    {
        var add = new DdlStatement($"ALTER TABLE {f.Table.Sql} ADD CONSTRAINT {Ident.Quote(f.Name)} FOREIGN KEY ({Ident.Quote(f.Column)}) REFERENCES {f.References.Sql} ({Ident.Quote(f.ReferencedColumn)}) NOT VALID",
            [new TableLock(f.Table, LockMode.ShareRowExclusive), new TableLock(f.References, LockMode.ShareRowExclusive)]);
        yield return Step($"expand.{f.Table.Name}.{f.Name}", MigrationPhase.Expand, $"Add foreign key {f.Name} NOT VALID (checks new rows only; no scan)", add,
            Undo($"Drop constraint {f.Name}", Ddl($"ALTER TABLE {f.Table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(f.Name)}", f.Table, LockMode.AccessExclusive)),
            CatalogProbes.ConstraintExists(f.Table, f.Name));
        var validate = new DdlStatement($"ALTER TABLE {f.Table.Sql} VALIDATE CONSTRAINT {Ident.Quote(f.Name)}",
            [new TableLock(f.Table, LockMode.ShareUpdateExclusive), new TableLock(f.References, LockMode.RowShare)]);
        yield return Step($"validate.{f.Table.Name}.{f.Name}", MigrationPhase.Validate, $"Validate foreign key {f.Name} (scans under SHARE UPDATE EXCLUSIVE: reads and writes continue)", validate,
            Nothing("Nothing: a validated constraint stays; Expand's rollback drops it."), CatalogProbes.ConstraintValidated(f.Table, f.Name), traits: StepTraits.Scans);
    }

    /// <param name="partitions">On a partitioned table each statement recurses to every partition (no scan for SET NOT
    /// NULL, which reuses each partition's validated CHECK), so each partition's lock is declared too.</param>
    private static IEnumerable<PlanStep> SetNotNull(SetNotNullOperation s, IReadOnlyList<QualifiedName> partitions)
    {
        DdlStatement Recursing(string sql, LockMode mode) => new(sql, [new TableLock(s.Table, mode), .. partitions.Select(p => new TableLock(p, mode))]);
        var check = $"{s.Table.Name}_{s.Column}_not_null";
        var k = $"validate.{s.Table.Name}.{s.Column}.not_null";
        yield return Step($"{k}.check", MigrationPhase.Validate, $"Add CHECK ({s.Column} IS NOT NULL) NOT VALID (no scan)",
            Recursing($"ALTER TABLE {s.Table.Sql} ADD CONSTRAINT {Ident.Quote(check)} CHECK ({Ident.Quote(s.Column)} IS NOT NULL) NOT VALID", LockMode.AccessExclusive),
            Undo($"Drop constraint {check}", Recursing($"ALTER TABLE {s.Table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(check)}", LockMode.AccessExclusive)),
            CatalogProbes.NotNullCheckExists(s.Table, check, s.Column));
        yield return Step($"{k}.validate", MigrationPhase.Validate, $"Validate the CHECK (scans under SHARE UPDATE EXCLUSIVE: reads and writes continue)",
            Recursing($"ALTER TABLE {s.Table.Sql} VALIDATE CONSTRAINT {Ident.Quote(check)}", LockMode.ShareUpdateExclusive),
            Nothing("Nothing: dropped by the CHECK's rollback."),
            CatalogProbes.NotNullCheckValidated(s.Table, check, s.Column), traits: StepTraits.Scans);
        yield return Step($"{k}.set", MigrationPhase.Validate, $"SET NOT NULL on {s.Column} (the validated CHECK proves it: no scan, brief lock)",
            Recursing($"ALTER TABLE {s.Table.Sql} ALTER COLUMN {Ident.Quote(s.Column)} SET NOT NULL", LockMode.AccessExclusive),
            Undo($"DROP NOT NULL on {s.Column}", Recursing($"ALTER TABLE {s.Table.Sql} ALTER COLUMN {Ident.Quote(s.Column)} DROP NOT NULL", LockMode.AccessExclusive)),
            CatalogProbes.ColumnNotNull(s.Table, s.Column));
        yield return Step($"{k}.drop_check", MigrationPhase.Validate, $"Drop the now-redundant CHECK {check}",
            Recursing($"ALTER TABLE {s.Table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(check)}", LockMode.AccessExclusive),
            Nothing("Nothing: the column stays NOT NULL until the SET NOT NULL rollback."), CatalogProbes.ConstraintMissing(s.Table, check));
    }

    private static IEnumerable<PlanStep> DropColumn(DropColumnOperation d, List<NormalizationTarget> normalizations, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> liveColumns)
    {
        if (d.CompatView is { } view)
        {
            var t = normalizations.FirstOrDefault(n => n.Table == d.Table && n.SourceColumn == d.Column)
                ?? throw new SpecException(d.At("compat_view"), $"compat_view needs a normalize_column of {d.Table}.{d.Column} in the same spec: the view rebuilds {d.Column} from the lookup.",
                    "Remove compat_view, or add the normalize_column operation for this column.");
            var columns = (liveColumns.GetValueOrDefault(d.Table) ?? []).Select(c => c.Name).Where(c => c != t.TargetColumn).ToList();
            if (!columns.Contains(t.SourceColumn)) columns.Add(t.SourceColumn);
            var select = string.Join(", ", columns.Select(c => c == t.SourceColumn
                ? $"s.{Ident.Quote(t.LookupCodeColumn)} AS {Ident.Quote(c)}"
                : $"t.{Ident.Quote(c)}"));
            yield return Step($"contract.{d.Table.Name}.{view.Name}.view", MigrationPhase.Contract, $"Create compat view {view} exposing {d.Column} for downstream readers",
                Ddl($"CREATE OR REPLACE VIEW {view.Sql} AS SELECT {select} FROM {d.Table.Sql} t LEFT JOIN {t.LookupTable.Sql} s ON s.{Ident.Quote(t.LookupIdColumn)} = t.{Ident.Quote(t.TargetColumn)}", null, LockMode.None),
                Nothing("Point of no return: kept for the deprecation window."));
        }
        yield return Step($"contract.{d.Table.Name}.{d.Column}.drop", MigrationPhase.Contract, $"Drop column {d.Table}.{d.Column} (catalog-only, brief lock)",
            Ddl($"ALTER TABLE {d.Table.Sql} DROP COLUMN IF EXISTS {Ident.Quote(d.Column)}", d.Table, LockMode.AccessExclusive),
            Nothing("Point of no return: the column's data is gone."), traits: StepTraits.Drops);
    }

    private static PlanStep RawSql(RawSqlOperation r, int ordinal) =>
        Step($"{r.Phase.ToString().ToLowerInvariant()}.raw_sql.{ordinal}", r.Phase, "raw SQL",
            Ddl(r.Up, r.LockTable, r.Lock),
            r.Down is null ? Nothing("No `down` given: not undone.") : Undo("raw SQL down", Ddl(r.Down, r.LockTable, r.Lock)));
}
