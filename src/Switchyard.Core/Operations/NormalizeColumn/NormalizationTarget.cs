using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>
/// The resolved shape of a <c>normalize_column</c> operation, shared by the trigger, the backfill, validation and the
/// compat library: legacy text column → lookup table (id, code) + foreign-key column on the source table.
/// </summary>
/// <param name="Table">Source table, e.g. public.transactions.</param>
/// <param name="KeyColumn">Its primary key column (bigint for range splitting), e.g. id.</param>
/// <param name="SourceColumn">Legacy text column, e.g. status.</param>
/// <param name="TargetColumn">New foreign-key column, e.g. state_id.</param>
/// <param name="LookupTable">Lookup table, e.g. public.transaction_state.</param>
/// <param name="LookupIdColumn">Lookup key column, e.g. id.</param>
/// <param name="LookupCodeColumn">Lookup code column, e.g. code.</param>
/// <param name="Trim">Strip surrounding whitespace before mapping.</param>
/// <param name="Lowercase">Lower-case before mapping.</param>
/// <param name="Aliases">Normalized legacy value → code, applied after trim/lower (e.g. setled → settled).</param>
/// <param name="Unmapped">Policy for values that map to no code.</param>
/// <param name="Codes">Codes seeded into the lookup table, in id order (id = position + 1).</param>
public sealed record NormalizationTarget(
    QualifiedName Table,
    string KeyColumn,
    string SourceColumn,
    string TargetColumn,
    QualifiedName LookupTable,
    string LookupIdColumn,
    string LookupCodeColumn,
    bool Trim,
    bool Lowercase,
    IReadOnlyDictionary<string, string> Aliases,
    UnmappedPolicy Unmapped,
    IReadOnlyList<string> Codes) : IBackfillTarget, Backfill.IBatchSource
{
    /// <summary>A batch sets only rows whose target is not yet right, so a lead window may run ahead.</summary>
    bool Backfill.IBatchSource.SkipsFilledRows => true;

    /// <summary>A map_to policy must name its code (the spec reader says so with the line; this guards the API).</summary>
    void Backfill.IBatchSource.Validate()
    {
        if (Unmapped is { Action: UnmappedAction.MapTo, MapToCode: var code } && string.IsNullOrWhiteSpace(code))
            throw new SwitchyardException($"unmapped policy map_to names no code for {Table}.{SourceColumn}.", "Set unmapped: { map_to: <code> } in the spec.");
    }

    /// <summary>The lookup's codes, the unmapped-values preflight per the policy, then the batch SQL on the final code list.</summary>
    Task<Backfill.PreparedBatch> Backfill.IBatchSource.PrepareAsync(Backfill.BatchPreparation p, CancellationToken ct) =>
        NormalizationBatchPreparation.PrepareAsync(p, this, ct);

    public string Filled => $"{Table}.{TargetColumn}";

    /// <summary>The migration's name: a migration normalizes at most one column, and older journals keyed it so.</summary>
    public string JournalKey(string migration) => migration;

    /// <summary>
    /// What <c>trim</c> strips: Unicode White_Space (tab, line breaks, NBSP, the typographic spaces, …) plus the
    /// zero-width space and BOM that copy-paste leaves behind. An <c>E''</c> literal of escapes, read the same under
    /// any server setting; written by this code, never from a spec.
    /// </summary>
    public const string TrimCharactersSql =
        @"E'\u0009\u000A\u000B\u000C\u000D\u0020\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u200B\u2028\u2029\u202F\u205F\u3000\uFEFF'";

    /// <summary>
    /// The legacy value after <c>trim</c>/<c>lower</c>, before aliases: one definition, used by the trigger (which
    /// then looks the alias up in <see cref="AliasTable"/>) and inside <see cref="CodeSql"/>.
    /// </summary>
    public string NormalizedSql(string sourceExpression)
    {
        var normalized = sourceExpression;
        if (Trim) normalized = $"btrim({normalized}, {TrimCharactersSql})";
        if (Lowercase) normalized = $"lower({normalized})";
        return normalized;
    }

    /// <summary>
    /// The table Expand fills with the spec's aliases (alias → code) and, under map_to, the fallback code (the one row
    /// whose alias is NULL). Values are data: the trigger, the backfill and validation read them from here, so no
    /// alias or code is ever part of SQL text. Lives next to the lookup, so whoever may read the lookup may read it.
    /// </summary>
    public QualifiedName AliasTable => new(LookupTable.Schema, Ident.Fit($"{LookupTable.Name}_aliases", $"{Table}.{SourceColumn}"));

    /// <summary>
    /// SQL expression giving the canonical code for a legacy value expression (e.g. <c>t."status"</c>): the one
    /// definition of the mapping, used by the trigger, the backfill and every validation check. Aliases come from
    /// <see cref="AliasTable"/> as one jsonb object built once per statement (an InitPlan): a binary search per row,
    /// however many aliases there are, and nothing of the spec in the SQL text.
    /// </summary>
    public string CodeSql(string sourceExpression) => CodeSql(sourceExpression, $"(SELECT jsonb_object_agg(a.alias, a.code) FROM {AliasTable.Sql} a WHERE a.alias IS NOT NULL)");

    /// <summary>
    /// <see cref="CodeSql(string)"/> with the aliases from <paramref name="aliasMap"/>, a jsonb expression: before
    /// Expand has filled the alias table, the spec's checks bind <see cref="AliasesJson"/> as a parameter instead.
    /// </summary>
    public string CodeSql(string sourceExpression, string aliasMap)
    {
        var normalized = NormalizedSql(sourceExpression);
        if (Aliases.Count == 0) return $"({normalized})";
        return $"coalesce({aliasMap} ->> {normalized}, {normalized})";
    }

    /// <summary>The aliases as one jsonb object (alias → code), for binding as a parameter.</summary>
    public string AliasesJson => System.Text.Json.JsonSerializer.Serialize(Aliases);

    /// <summary>The code unmapped values resolve to under <see cref="UnmappedAction.MapTo"/>, else null.</summary>
    public string? FallbackCode => Unmapped.Action == UnmappedAction.MapTo ? Unmapped.MapToCode : null;

    /// <summary>SQL reading <see cref="FallbackCode"/> from <see cref="AliasTable"/> (NULL when the policy has none).</summary>
    public string FallbackCodeSql => FallbackCode is null ? "NULL::text" : $"(SELECT a.code FROM {AliasTable.Sql} a WHERE a.alias IS NULL)";
}
