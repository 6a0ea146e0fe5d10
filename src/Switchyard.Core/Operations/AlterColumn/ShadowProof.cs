using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Operations.AlterColumn;

/// <summary>
/// The gates of a type change, in Validate (before anything is built on the shadow) and in Contract (before the swap
/// drops the old column): every row's old column and shadow agree, through <c>up</c> (the old version wrote it, or the
/// backfill passed it) or through <c>down</c> (the new version wrote the shadow; a lossy down cannot round-trip
/// through up). Both sides are compared as text after a cast to the column's type, as the trigger's assignment casts,
/// so types without an equality operator (json, point, xml) are proven too.
/// </summary>
internal static class ShadowProof
{
    // An alias no column is named, so up and down resolve their column names to the row, never to the alias.
    private const string Row = "_sy_row";

    public static IEnumerable<PlanStep> Gates(OperationPlanContext context, PgrollAlterColumn a, QualifiedName t, string shadow, CatalogColumn? old, IReadOnlyList<CatalogColumn> others)
    {
        var proof = For(a, t, shadow, old, others);
        foreach (var phase in new[] { MigrationPhase.Validate, MigrationPhase.Contract })
        {
            var then = phase == MigrationPhase.Validate ? "nothing is built on the shadow otherwise" : "nothing is dropped otherwise";
            yield return new PlanStep(context.Key(phase, $"{t.Name}.{a.Column}.proof"), phase, StepKind.Gate,
                $"Gate: every row of {t} has {a.Column} and {shadow} in agreement through up or down; {then}",
                proof.UnprovenCountSql, LockMode.AccessShare, t.ToString(), false, null, Traits: StepTraits.Scans, Proof: proof);
        }
    }

    public static RowProof For(PgrollAlterColumn a, QualifiedName t, string shadow, CatalogColumn? old, IReadOnlyList<CatalogColumn> others)
    {
        var (col, sh) = (Ident.Quote(a.Column), Ident.Quote(shadow));
        var throughUp = $"CAST({Row}.{sh} AS text) IS NOT DISTINCT FROM CAST(CAST(({a.Up}) AS {a.Type}) AS text)";
        // down reads the column's name as the new value: a row of its own, with the shadow under that name.
        var newRow = string.Join(", ", others.Select(o => $"{Row}.{Ident.Quote(o.Name)} AS {Ident.Quote(o.Name)}").Prepend($"{Row}.{sh} AS {col}"));
        var throughDown = old is null ? "false"
            : $"CAST({Row}.{col} AS text) IS NOT DISTINCT FROM (SELECT CAST(CAST(({a.Down}) AS {old.Type}) AS text) FROM (SELECT {newRow}) AS _sy_new)";
        return new RowProof(t,
            $"every {t}.{a.Column} agrees with {shadow} through up or down",
            $"have {a.Column} and {shadow} in disagreement through both up and down: a row the trigger or backfill missed, or an up/down that is not deterministic; fix the rows or the migration's up/down, then re-run apply",
            $"SELECT count(*) FROM {t.Sql} AS {Row} WHERE NOT ({throughUp})",
            $"SELECT count(*) FROM {t.Sql} AS {Row} WHERE NOT ({throughUp} OR {throughDown})");
    }
}
