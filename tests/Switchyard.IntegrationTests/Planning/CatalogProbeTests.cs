using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Planning;

public sealed class CatalogProbeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly QualifiedName Table = new("public", "o'brien; --");
    private const string Column = "it's";
    private const string Check = "chk'\"x";
    private const string Trigger = "trg'x";

    public static TheoryData<string, bool> Probes => new()
    {
        { "column exists", true }, { "column missing", false }, { "column not null", true },
        { "constraint exists", true }, { "constraint missing", false }, { "constraint validated", false },
        { "not-null check exists", true }, { "not-null check validated", true },
        { "trigger exists", true }, { "trigger missing", false }, { "relation exists", true },
        { "index valid", true }, { "index invalid", false },
        { "other column exists", false },
    };

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task Probe_NamesWithQuotesAndSemicolons_BindsThemAndAnswersFromTheCatalog(string probe, bool expected)
    {
        // Given a table, column, check, index and trigger whose names hold quotes, a semicolon and a comment marker
        await db.ExecuteAsync($"""
            CREATE TABLE IF NOT EXISTS {Table.Sql} ({Ident.Quote(Column)} int NOT NULL);
            CREATE INDEX IF NOT EXISTS {Ident.Quote("ix'1")} ON {Table.Sql} ({Ident.Quote(Column)});
            DO $$ BEGIN
              ALTER TABLE {Table.Sql} ADD CONSTRAINT {Ident.Quote(Check)} CHECK ({Ident.Quote(Column)} > 0) NOT VALID;
            EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            CREATE OR REPLACE FUNCTION probe_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE OR REPLACE TRIGGER {Ident.Quote(Trigger)} BEFORE INSERT ON {Table.Sql} FOR EACH ROW EXECUTE FUNCTION probe_noop();
            """);

        // When the probe is built and run
        var p = Build(probe);
        var answer = await db.Runner().ScalarAsync<bool>(p.Sql, CancellationToken.None, [.. p.Parameters]);

        // Then the names travel as bound parameters, not in the query text, and the catalog answers correctly
        p.Sql.ShouldNotContain("brien");
        p.Parameters.ShouldNotBeEmpty();
        p.Parameters.OfType<string>().ShouldAllBe(name => !p.Sql.Contains(name, StringComparison.Ordinal));
        answer.ShouldBe(expected);
    }

    private static CatalogProbe Build(string probe) => probe switch
    {
        "column exists" => CatalogProbes.ColumnExists(Table, Column),
        "column missing" => CatalogProbes.ColumnMissing(Table, Column),
        "column not null" => CatalogProbes.ColumnNotNull(Table, Column),
        "constraint exists" => CatalogProbes.ConstraintExists(Table, Check),
        "constraint missing" => CatalogProbes.ConstraintMissing(Table, Check),
        "constraint validated" => CatalogProbes.ConstraintValidated(Table, Check),
        "not-null check exists" => CatalogProbes.NotNullCheckExists(Table, "absent", Column),
        "not-null check validated" => CatalogProbes.NotNullCheckValidated(Table, Check, Column),
        "trigger exists" => CatalogProbes.TriggerExists(Table, Trigger),
        "trigger missing" => CatalogProbes.TriggerMissing(Table, Trigger),
        "relation exists" => CatalogProbes.RelationExists(Table),
        "index valid" => CatalogProbes.IndexValid(new QualifiedName("public", "ix'1")),
        "index invalid" => CatalogProbes.IndexInvalid(new QualifiedName("public", "ix'1")),
        "other column exists" => CatalogProbes.ColumnExists(Table, "it"),
        _ => throw new ArgumentOutOfRangeException(nameof(probe), probe, "no such probe in this test"),
    };
}
