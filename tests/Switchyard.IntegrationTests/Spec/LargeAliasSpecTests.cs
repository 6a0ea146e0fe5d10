using System.Text;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Spec;

/// <summary>A mapping that scales: ten thousand aliases are rows of the alias table, not ten thousand CASE branches.</summary>
public sealed class LargeAliasSpecTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const int Aliases = 10_000;
    private static readonly string[] Codes = ["new", "paid", "shipped"];

    [Fact]
    public async Task Apply_TenThousandAliases_BackfillsEveryRowToItsAliasCode()
    {
        // Given a table whose legacy values are 10,000 distinct aliases (three rows each) and a spec that maps them all
        await db.ExecuteAsync("""
            CREATE TABLE parcels (id bigint PRIMARY KEY, status text NOT NULL);
            INSERT INTO parcels SELECT g, ' V' || lpad((g % 10000)::text, 5, '0') FROM generate_series(1, 30000) g;
            """);
        var yaml = new StringBuilder("""
            migration: many-aliases
            operations:
              - normalize_column:
                  table: parcels
                  column: status
                  target_column: status_id
                  lookup: { table: parcel_status, codes: [new, paid, shipped] }
                  normalize: [trim, lower]
                  aliases:

            """);
        for (var i = 0; i < Aliases; i++) yaml.Append("        v").Append(i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).Append(": ").AppendLine(Codes[i % 3]);
        var spec = SpecLoader.Load(yaml.ToString(), "many.yaml");

        // When it runs through the backfill and the Validate gate
        var engine = new MigrationEngine(db.Runner(), gate: new ValidationSuiteGate(ReconciliationSettings.For(spec), ValidationOptions.For(spec)));
        var result = await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);

        // Then every row has the code of its alias (alias i maps to code i % 3) and the alias table holds them all
        result.State.ShouldNotBe("failed", result.Message);
        (await db.ScalarAsync<long>("""
            SELECT count(*) FROM parcels p JOIN parcel_status s ON s.id = p.status_id
            WHERE s.code = (ARRAY['new', 'paid', 'shipped'])[1 + (p.id % 10000) % 3]
            """)).ShouldBe(30_000);
        (await db.ScalarAsync<long>("SELECT count(*) FROM parcel_status_aliases")).ShouldBe(Aliases);
    }
}
