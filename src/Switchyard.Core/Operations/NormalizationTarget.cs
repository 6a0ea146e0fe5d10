using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations;

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
    IReadOnlyList<string> Codes)
{
    /// <summary>
    /// SQL expression giving the canonical code for a legacy value expression (e.g. <c>t."status"</c>): the one
    /// definition of the mapping, used by the trigger, the backfill and every validation check.
    /// </summary>
    public string CodeSql(string sourceExpression)
    {
        var normalized = sourceExpression;
        if (Trim) normalized = $"btrim({normalized})";
        if (Lowercase) normalized = $"lower({normalized})";
        if (Aliases.Count == 0) return $"({normalized})";
        var cases = string.Join(' ', Aliases.OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => $"WHEN {Ident.Literal(a.Key)} THEN {Ident.Literal(a.Value)}"));
        return $"(CASE {normalized} {cases} ELSE {normalized} END)";
    }

    /// <summary>The code unmapped values resolve to under <see cref="UnmappedAction.MapTo"/>, else null.</summary>
    public string? FallbackCode => Unmapped.Action == UnmappedAction.MapTo ? Unmapped.MapToCode : null;

    /// <summary>The flagship: transactions.status → transaction_state + transactions.state_id.</summary>
    public static NormalizationTarget LedgerTransactionStatus(UnmappedPolicy? unmapped = null) => new(
        new QualifiedName("public", "transactions"), "id", "status", "state_id",
        new QualifiedName("public", "transaction_state"), "id", "code",
        Trim: true, Lowercase: true,
        Aliases: new Dictionary<string, string> { ["setled"] = "settled", ["captrued"] = "captured", ["auth"] = "authorized" },
        Unmapped: unmapped ?? UnmappedPolicy.Fail,
        Codes: ["authorized", "captured", "settled", "refunded", "declined", "voided", "charged_back"]);
}
