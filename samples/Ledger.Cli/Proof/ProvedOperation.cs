using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;

namespace Switchyard.Samples.Ledger.Cli.Proof;

/// <summary>
/// One pgroll operation the proof runs on the ledger: its migration file, the phases it is rolled back from, whether
/// app v1 keeps working once it is contracted, and the SQL that says whether its promise holds after Contract.
/// </summary>
/// <param name="Name">The <c>--operation</c> value.</param>
/// <param name="Yaml">The pgroll migration, written to a file and run by the real <c>switchyard</c> program.</param>
/// <param name="OldAppSurvivesContract">
/// True when app v1 (which knows only the legacy shape) keeps working after Contract, so traffic runs through it;
/// false when Contract takes away what v1 reads or writes: traffic stops before Contract and v1 is probed after it.
/// </param>
/// <param name="ProblemsSql">After Contract: rows and catalog facts that break the operation's promise (must be 0).</param>
/// <param name="ViolatorsSql">Rows the operation must fix (check-fix), counted before each run; null when none are expected.</param>
/// <param name="NewVersionShows">A column, as "name type", that the new version's view of transactions must show during the transition.</param>
/// <param name="DirtySql">Run before each run with the seeded max id as $1: re-introduces violators an earlier run's backfill fixed.</param>
internal sealed record ProvedOperation(string Name, string Summary, string Yaml, bool OldAppSurvivesContract, string ProblemsSql, string NewVersionShows,
    string? ViolatorsSql = null, string? DirtySql = null)
{
    /// <summary>The phases a rollback is proven from: every phase before Contract that runs steps for a pgroll operation.</summary>
    public static readonly IReadOnlyList<MigrationPhase> PhasesBeforeContract = [MigrationPhase.Expand, MigrationPhase.Backfill, MigrationPhase.Validate];

    public string MigrationName => "prove_" + Name.Replace('-', '_');

    /// <summary>The schema of views app v1 runs through (its search path lists it before public): the shape before the migration.</summary>
    public string PreviousVersionSchema => MigrationName + VersionSchemaNames.PreviousSuffix;

    private const string Display = "format('%s %s.%s', currency, amount_minor / 100, lpad((amount_minor % 100)::text, 2, '0'))";

    private static string ColumnIs(string column, string sql) =>
        $"(SELECT count(*) FILTER (WHERE NOT ({sql})) + 1 - count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = '{column}' AND NOT attisdropped)";

    public static readonly IReadOnlyList<ProvedOperation> All =
    [
        new("money-type", "transactions.amount_minor bigint → numeric(20,0) (shadow column, sync trigger, swap); its CHECK re-declared",
            """
            operations:
              - alter_column:
                  table: transactions
                  column: amount_minor
                  type: numeric(20,0)
                  up: "amount_minor::numeric(20,0)"
                  down: "amount_minor::bigint"
                  check: { name: transactions_amount_minor_check, constraint: amount_minor > 0 }
            """,
            OldAppSurvivesContract: true,
            ProblemsSql: $"""
                SELECT {ColumnIs("amount_minor", "format_type(atttypid, atttypmod) = 'numeric(20,0)' AND attnotnull")}
                     + (SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname LIKE '\_sy\_%' AND NOT attisdropped)
                     + (SELECT 1 - count(*) FROM pg_constraint WHERE conrelid = 'transactions'::regclass AND conname = 'transactions_amount_minor_check' AND convalidated)
                """,
            NewVersionShows: "amount_minor numeric"),
        new("rename", "transactions.currency → currency_code (app v1 reads and writes currency)",
            """
            operations:
              - rename_column: { table: transactions, from: currency, to: currency_code }
            """,
            OldAppSurvivesContract: false,
            ProblemsSql: $"SELECT {ColumnIs("currency_code", "attnotnull")} + (SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'currency' AND NOT attisdropped)",
            NewVersionShows: "currency_code text"),
        new("computed-not-null", "new transactions.amount_display text NOT NULL computed from currency and amount_minor",
            $$"""
            operations:
              - add_column:
                  table: transactions
                  up: "{{Display}}"
                  column: { name: amount_display, type: text, nullable: false }
            """,
            OldAppSurvivesContract: false,
            ProblemsSql: $"SELECT {ColumnIs("amount_display", "attnotnull")} + (SELECT count(*) FROM transactions WHERE amount_display IS DISTINCT FROM {Display})",
            NewVersionShows: "amount_display text"),
        new("check-fix", "CHECK status = lower(btrim(status)); up tidies the legacy rows that break it",
            """
            operations:
              - create_constraint:
                  table: transactions
                  name: transactions_status_tidy
                  type: check
                  columns: [status]
                  check: status = lower(btrim(status))
                  up: { status: lower(btrim(status)) }
                  down: { status: status }
            """,
            OldAppSurvivesContract: true,
            ProblemsSql: """
                SELECT (SELECT 1 - count(*) FROM pg_constraint WHERE conrelid = 'transactions'::regclass AND conname = 'transactions_status_tidy' AND convalidated)
                     + (SELECT count(*) FROM transactions WHERE status <> lower(btrim(status)))
                """,
            NewVersionShows: "status text",
            ViolatorsSql: "SELECT count(*) FROM transactions WHERE status <> lower(btrim(status))",
            // Upper-casing keeps every row's canonical status (the ledger reads lower(btrim(status))), so no balance moves.
            DirtySql: "UPDATE transactions SET status = upper(status) WHERE id <= $1 AND id % 97 = 0 AND status = lower(btrim(status))"),
    ];

    /// <summary>The operations <c>--operation</c> names: one, or <c>all</c>.</summary>
    public static IReadOnlyList<ProvedOperation> Select(string name) => name == "all" ? All : [.. All.Where(o => o.Name == name)];

    public static IReadOnlyList<string> Names => [.. All.Select(o => o.Name), "all"];
}
