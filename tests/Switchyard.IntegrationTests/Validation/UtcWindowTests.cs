using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// Completeness, counts and downstream cut their windows by UTC hour and day whatever the session's time zone, for a
/// timestamptz and for a timestamp (read as UTC wall time) column alike.
/// </summary>
public sealed class UtcWindowTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly NormalizationTarget Target = new(
        new QualifiedName("public", "windows"), "id", "status", "state_id",
        new QualifiedName("public", "windows_state"), "id", "code",
        Trim: true, Lowercase: true, Aliases: new Dictionary<string, string>(), Unmapped: UnmappedPolicy.Fail, Codes: []);

    [Theory]
    [InlineData("timestamp with time zone", "+00")]
    [InlineData("timestamp without time zone", "")]
    public async Task RowsAfterMidnightUtc_FallInTheNextUtcDayAndHour_InASessionFiveHoursBehind(string timeType, string utc)
    {
        // Given a database whose sessions run in New York time, and rows at 02:00–03:00 UTC on 2 March (still 1 March
        // there): one with no id yet, one with the wrong id, and the last row of the table at 23:00 UTC
        await db.ExecuteAsync($"""
            ALTER DATABASE "{db.Name}" SET timezone TO 'America/New_York';
            DROP TABLE IF EXISTS windows, windows_state;
            CREATE TABLE windows_state (id smallint PRIMARY KEY, code text NOT NULL UNIQUE);
            INSERT INTO windows_state VALUES (1, 'open'), (2, 'paid');
            CREATE TABLE windows (id bigint PRIMARY KEY, status text NOT NULL, state_id smallint, created_at {timeType} NOT NULL,
                amount_minor bigint NOT NULL DEFAULT 100, currency text NOT NULL DEFAULT 'EUR');
            INSERT INTO windows (id, status, state_id, created_at) VALUES
                (1, 'open', 1, '2026-03-01 10:00{utc}'),
                (2, 'open', 1, '2026-03-02 02:00{utc}'),
                (3, 'open', NULL, '2026-03-02 02:30{utc}'),
                (4, 'open', 2, '2026-03-02 03:00{utc}'),
                (5, 'paid', 2, '2026-03-02 23:00{utc}');
            """);
        await using var newYork = db.NewDataSource("utc-windows");
        var suite = new ValidationSuite(new SafeSqlRunner(newYork), Target, LedgerFlagship.Reconciliation());

        // When
        var results = (await suite.RunAsync(["completeness", "counts", "downstream"], false, CancellationToken.None)).Results;

        // Then
        var completeness = results.Single(r => r.Check == "completeness");
        completeness.Failures.ShouldBe(1);
        completeness.Findings.Select(f => f.Key).ShouldBe(["day 2026-03-02", "hour 2026-03-02T02"]);
        var counts = results.Single(r => r.Check == "counts");
        counts.Findings.Select(f => f.Key).ShouldBe(["2026-03-02/open", "2026-03-02/paid"]);
        counts.Findings.Select(f => f.Note).ShouldBe(["legacy 3 vs new 1", "legacy 1 vs new 2"]);
        var downstream = results.Single(r => r.Check == "downstream");
        downstream.RowsExamined.ShouldBe(5);
        downstream.Findings.Select(f => f.Key).ShouldBe(
            ["legacy_only (2026-03-02,EUR,open,3,300)", "legacy_only (2026-03-02,EUR,paid,1,100)", "new_only (2026-03-02,EUR,open,1,100)", "new_only (2026-03-02,EUR,paid,2,200)"],
            ignoreOrder: true);
    }
}
