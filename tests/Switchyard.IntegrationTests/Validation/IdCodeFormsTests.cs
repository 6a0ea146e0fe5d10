using System.Globalization;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// The mismatch proof indexes constant arrays by the id where it can and falls back to CASE over the ids elsewhere;
/// every form must find the same defects on a real table, and none may prove a wrong row.
/// </summary>
public sealed class IdCodeFormsTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static NormalizationTarget Target => new(
        new QualifiedName("public", "forms"), "id", "status", "state_id",
        new QualifiedName("public", "forms_state"), "id", "code",
        Trim: true, Lowercase: true, Aliases: new Dictionary<string, string>(), Unmapped: UnmappedPolicy.Fail, Codes: []);

    [Theory]
    [InlineData("smallint", 1, 2, "text", "paid", true)]
    [InlineData("integer", 10, 20, "character varying(80)", "paid", true)]
    [InlineData("bigint", 1, 2, "text", "paid", false)]
    [InlineData("integer", 1, 2000, "text", "paid", false)]
    [InlineData("smallint", 1, 2, "text", "paid_after_settlement_window_closed_and_the_chargeback_period_ended", true)]
    public async Task EachForm_FindsTheWrongRows_AndProvesDirtyValuesWithTheRightId(string idType, int openId, int paidId, string legacyType, string paidCode, bool indexed)
    {
        // Given 3,000 rows: every third 'open', the rest a dirty spelling of the paid code; row 2,998 has open's id
        // with the paid value, row 2,999 the exact open code with paid's id, row 3,000 no id yet
        var open = openId.ToString(CultureInfo.InvariantCulture);
        var paid = paidId.ToString(CultureInfo.InvariantCulture);
        await db.ExecuteAsync($"""
            DROP TABLE IF EXISTS forms, forms_state;
            CREATE TABLE forms_state (id {idType} PRIMARY KEY, code text NOT NULL UNIQUE);
            INSERT INTO forms_state VALUES ({open}, 'open'), ({paid}, '{paidCode}');
            CREATE TABLE forms (id bigint PRIMARY KEY, status {legacyType}, state_id {idType});
            INSERT INTO forms SELECT i, CASE WHEN i % 3 = 0 THEN 'open' ELSE ' {paidCode.ToUpperInvariant()}' END, CASE WHEN i % 3 = 0 THEN {open} ELSE {paid} END
            FROM generate_series(1, 3000) i;
            UPDATE forms SET state_id = {open} WHERE id = 2998;
            UPDATE forms SET status = 'open' WHERE id = 2999;
            UPDATE forms SET state_id = NULL WHERE id = 3000;
            ANALYZE forms;
            """);
        var suite = new ValidationSuite(db.Runner(), Target, LedgerFlagship.Reconciliation(), new ValidationOptions { ChunkKeys = 1_000 });

        // When
        var scope = await suite.ScopeAsync(CancellationToken.None);
        var ids = scope.IdCodes(await scope.LookupCodesAsync(CancellationToken.None));
        var result = (await suite.RunAsync(["mismatch"], false, CancellationToken.None)).Results.Single();

        // Then
        ids.Indexed.ShouldBe(indexed);
        result.RowsExamined.ShouldBe(2_999);
        result.Failures.ShouldBe(2);
        result.SampleKeys.ShouldBe(["id=2998", "id=2999"]);
    }

    [Fact]
    public async Task NotNullColumns_AreNotTestedForNull_AndNullableOnesAre()
    {
        // Given state_id NOT NULL and status nullable
        await db.ExecuteAsync("""
            DROP TABLE IF EXISTS forms, forms_state;
            CREATE TABLE forms_state (id smallint PRIMARY KEY, code text NOT NULL UNIQUE);
            INSERT INTO forms_state VALUES (1, 'open');
            CREATE TABLE forms (id bigint PRIMARY KEY, status text, state_id smallint NOT NULL);
            INSERT INTO forms VALUES (1, 'open', 1), (2, NULL, 1);
            """);
        var suite = new ValidationSuite(db.Runner(), Target, LedgerFlagship.Reconciliation());

        // When
        var scope = await suite.ScopeAsync(CancellationToken.None);
        var result = (await suite.RunAsync(["mismatch"], false, CancellationToken.None)).Results.Single();

        // Then
        scope.BothSet.ShouldBe("t.\"status\" IS NOT NULL");
        result.RowsExamined.ShouldBe(1);
        result.Failures.ShouldBe(0);
    }
}
