using Switchyard.Core.Execution;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.AlterColumn;

/// <summary>
/// pgroll's <c>alter_column</c>. A type change runs on a shadow column kept in sync both ways (<see cref="AlterColumnShadow"/>);
/// NOT NULL, a check, a unique key or a reference without a type change fix the column in place through <c>up</c>
/// (<see cref="AlterColumnInPlace"/>); dropping NOT NULL, a default and a comment are catalog-only; a new name comes in Contract.
/// </summary>
public sealed record PgrollAlterColumn(QualifiedName On, string Column, string? NewName, string? Type, bool? Nullable,
    bool HasDefault, string? Default, bool HasComment, string? Comment, CheckSpec? Check, string? UniqueName, ReferenceSpec? References, string? Up, string? Down) : UnitOperation
{
    public override string Kind => "alter_column";

    public override string Summary =>
        $"{On}.{Column}{(Type is null ? "" : $" type {Type} (shadow column; up {Up}, down {Down})")}"
        + (Nullable is { } n ? n ? " nullable" : $" NOT NULL (up {Up})" : "") + (HasDefault ? $" default {Default ?? "none"}" : "");

    public override OperationBrief Brief => new(
        string.Join(" ", new[]
        {
            Type is null ? null : $"Changes {On}.{Column} to {Type} on a shadow column kept in sync both ways by a trigger (up, down), filled by the backfill, swapped in in Contract.",
            Type is null && ChangesData ? $"Fixes existing {Column} values through up (a trigger for new writes, the backfill for existing rows), then adds {ConstraintsText} online." : null,
            Type is null && Nullable == true ? $"Drops NOT NULL on {Column} (catalog-only)." : null,
            HasDefault ? (Default is null ? "Drops the default (catalog-only)." : "Sets a default for new rows (catalog-only).") : null,
            HasComment ? "Sets the comment." : null,
            NewName is null ? null : $"Renames {Column} to {NewName} in Contract.",
        }.Where(s => s is not null)),
        Type is not null
            ? $"The old version writes {Column} in its old type; the trigger keeps the new one in step (and down the other way). From Contract {NewName ?? Column} holds the new type."
            : NewName is not null ? $"Until Contract both versions use {Column}; from Contract only {NewName} exists."
            : ChangesData ? $"Writes of {Column} pass through up until Contract, so the old version's writes meet the new rules." : "None beyond the changed definition.");

    private string ConstraintsText => string.Join(", ", new[] { Nullable == false ? "NOT NULL" : null, Check is null ? null : $"check {Check.Name}", UniqueName is null ? null : $"unique {UniqueName}", References is null ? null : $"foreign key to {References.Table}" }.Where(s => s is not null));

    public override QualifiedName? Table => On;

    public override IEnumerable<CatalogNeed> Needs =>
        References is { } r ? [new CatalogNeed(On, Column, "column"), new CatalogNeed(r.Table, r.Columns[0], "references")] : [new CatalogNeed(On, Column, "column")];

    public override IEnumerable<CatalogNeed> Creates => NewName is null ? [] : [new CatalogNeed(On, NewName) { OnlyFromContract = true }];

    public override IEnumerable<CatalogNeed> AddsColumns => ChangesType ? [new CatalogNeed(On, AlterColumnShadow.ShadowName(this))] : [];

    public override void ShapeVersions(VersionedTables tables)
    {
        if (tables.Touch(On) is not { } table) return;
        if (ChangesType) table.ShadowColumn(Column, AlterColumnShadow.ShadowName(this));
        if (NewName is not null) table.RenameColumn(Column, NewName);
    }

    /// <summary>A type change: it runs on a shadow column (<see cref="AlterColumnShadow"/>) rather than in place.</summary>
    public bool ChangesType => Type is not null;

    /// <summary>A type change, and only it, plans a shadow proof (<see cref="ShadowProof"/>): the same test picks the plan and answers this.</summary>
    public override bool ProvesRows => ChangesType;

    /// <summary>True when existing rows must change (or be proven) to meet the new definition: <c>up</c> is then required.</summary>
    public bool ChangesData => Type is not null || Nullable == false || Check is not null || UniqueName is not null || References is not null;

    public static PgrollAlterColumn Parse(OperationFields f)
    {
        var op = new PgrollAlterColumn(f.Relation("table"), f.Identifier("column"), f.OptionalIdentifier("name"), f.OptionalText("type"),
            f.Has("nullable") ? f.Bool("nullable", true) : null, f.Has("default"), f.OptionalText("default"), f.Has("comment"), f.OptionalText("comment"),
            CheckSpec.ParseOptional(f, "check"), f.OptionalMap("unique", "name")?.Identifier("name"),
            ReferenceSpec.ParseColumn(f.OptionalMap("references", ReferenceSpec.ColumnFields)), f.OptionalText("up"), f.OptionalText("down"));
        if (op.ChangesData && op.Up is null)
            throw new Spec.SpecException(f.Location, $"alter_column of {op.On}.{op.Column} changes what existing rows must hold but has no 'up'.",
                "Add `up: <expression>` that turns an old value into a valid new one (e.g. `up: coalesce(col, 'x')`).");
        if (op.Type is not null && op.Down is null)
            throw new Spec.SpecException(f.Location, $"alter_column changes the type of {op.On}.{op.Column} but has no 'down'.",
                "Add `down: <expression>` that turns a new value back into the old type (writes of the new shape keep the old column right).");
        if (!op.ChangesData && op.NewName is null && op.Nullable is null && !op.HasDefault && !op.HasComment)
            throw new Spec.SpecException(f.Location, "alter_column changes nothing.", "Add one of: name, type, nullable, default, comment, check, unique, references.");
        return op;
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var steps = ChangesType ? AlterColumnShadow.Plan(this, context) : AlterColumnInPlace.Plan(this, context);
        foreach (var s in steps) yield return s;
        if (NewName is not null)
            yield return Step(context, MigrationPhase.Contract, $"{On.Name}.{Column}.rename", $"Rename column {On}.{Column} to {NewName} (catalog-only)",
                Ddl($"ALTER TABLE {On.Sql} RENAME COLUMN {Ident.Quote(Column)} TO {Ident.Quote(NewName)}", On, LockMode.AccessExclusive),
                PastPointOfNoReturn, StepTraits.Renames, CatalogProbes.ColumnExists(On, NewName));
    }

    /// <summary>SET DEFAULT, or DROP DEFAULT for <c>default: null</c>.</summary>
    internal PlanStep DefaultStep(OperationPlanContext context, MigrationPhase phase) =>
        Step(context, phase, $"{On.Name}.{Column}.default", Default is null ? $"Drop the default of {On}.{Column}" : $"Set the default of {On}.{Column} (new rows only)",
            Ddl($"ALTER TABLE {On.Sql} ALTER COLUMN {Ident.Quote(Column)} {(Default is null ? "DROP DEFAULT" : "SET DEFAULT " + Default)}", On, LockMode.AccessExclusive),
            Nothing("Not undone: the earlier default is not recorded."));
}
