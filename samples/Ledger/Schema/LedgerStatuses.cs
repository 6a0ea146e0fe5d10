namespace Switchyard.Samples.Ledger.Schema;

/// <summary>The ledger's transaction lifecycle codes and the legacy column's known dirt.</summary>
public static class LedgerStatuses
{
    public const string Authorized = "authorized";
    public const string Captured = "captured";
    public const string Settled = "settled";
    public const string Refunded = "refunded";
    public const string Declined = "declined";
    public const string Voided = "voided";
    public const string ChargedBack = "charged_back";

    /// <summary>Canonical codes with the share of rows each has in a mature ledger.</summary>
    public static readonly IReadOnlyList<(string Code, double Share)> Mix =
    [
        (Settled, 0.60), (Captured, 0.08), (Authorized, 0.07), (Declined, 0.12),
        (Refunded, 0.06), (Voided, 0.05), (ChargedBack, 0.02),
    ];

    public static readonly IReadOnlyList<string> All = [.. Mix.Select(m => m.Code)];

    /// <summary>Typos that old app versions wrote and that the flagship spec maps explicitly.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownTypos = new Dictionary<string, string>
    {
        ["setled"] = Settled,
        ["captrued"] = Captured,
        ["auth"] = Authorized,
    };

    /// <summary>
    /// How the ledger has always read its legacy column: trimmed, lower-cased, known typos folded. Balances and the
    /// regulatory report use this, so the migration must reproduce it exactly.
    /// </summary>
    public static string CanonicalSql(string column)
    {
        var cases = string.Join(' ', KnownTypos.Select(t => $"WHEN '{t.Key}' THEN '{t.Value}'"));
        return $"(CASE lower(btrim({column})) {cases} ELSE lower(btrim({column})) END)";
    }
}
