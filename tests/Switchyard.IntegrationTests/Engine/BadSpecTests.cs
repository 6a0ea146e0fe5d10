using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class BadSpecTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static string Flagship => File.ReadAllText(FlagshipSpec.Path);

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // name, spec text, expected file:line:col suffix, expected words
        { "malformed", "migration: x\noperations:\n  - normalize_column: {table: transactions\n", ":4:1", "malformed YAML" },
        { "unknown-op", Flagship.Replace("  - create_index:", "  - create_indexx:", StringComparison.Ordinal), ":29:5", "unknown operation 'create_indexx'" },
        { "unknown-table", Flagship.Replace("  - set_not_null:\n      table: transactions", "  - set_not_null:\n      table: transaction", StringComparison.Ordinal), ":42:14", "table public.transaction does not exist" },
        { "unknown-column", Flagship.Replace("      column: status\n      compat_view", "      column: stats\n      compat_view", StringComparison.Ordinal), ":47:15", "column public.transactions.stats does not exist" },
        { "unmapped", Flagship.Replace("        auth: authorized\n", "", StringComparison.Ordinal), ":21:17", "'auth'" },
        // A rename takes effect in Contract: an operation after it in the same migration cannot work on the new name
        { "renamed-table-used", "version_schema: bad_v2\noperations:\n  - rename_table: { from: merchants, to: sellers }\n  - add_column: { table: sellers, column: { name: tier, type: text, nullable: true } }\n", ":4:26", "table public.sellers has that name only from Contract (rename_table at line 3 renames it there)" },
        // The type swap drops the old column: a primary key would go with it
        { "primary-key-type", "version_schema: bad_v2\noperations:\n  - alter_column: { table: transactions, column: id, type: numeric, up: \"id::numeric\", down: \"id::bigint\" }\n", ":3:60", "cannot change the type of public.transactions.id: it is part of the table's primary key" },
        // ... and so would the old column's check when the spec does not declare it again
        { "lost-check", "version_schema: bad_v2\noperations:\n  - alter_column: { table: transactions, column: amount_minor, type: numeric, up: \"amount_minor::numeric\", down: \"amount_minor::bigint\" }\n", ":3:70", "alter_column would lose check transactions_amount_minor_check of public.transactions.amount_minor" },
        // A version schema holds one view per name
        { "same-name-two-schemas", "version_schema: bad_v2\noperations:\n  - create_table: { name: other.merchants, columns: [{ name: id, type: bigint, pk: true }] }\n  - add_column: { table: merchants, column: { name: tier, type: text, nullable: true } }\n", ":4:5", "tables other.merchants and public.merchants would both show as view merchants in the new version's schema" },
        { "renamed-column-used", "version_schema: bad_v2\noperations:\n  - rename_column: { table: merchants, from: name, to: legal_name }\n  - create_index: { name: merchants_legal_name_idx, table: merchants, columns: [legal_name] }\n", ":4:", "column public.merchants.legal_name has that name only from Contract" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Apply_BadSpec_FailsWithFileLineColAndAHintAndChangesNothing(string name, string text, string where, string what)
    {
        // Given a bad spec file and the catalog before
        var path = Path.Combine(Path.GetTempPath(), $"sy-{name}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, text);
        var before = await FlagshipSpec.SnapshotAsync(db);
        var invariants = await db.InvariantsAsync();

        // When applying it
        var result = await CliRunner.RunAsync(["apply", path, .. FlagshipSpec.Connect(db)]);

        // Then a clear error names file:line:col, says how to fix it, and nothing changed
        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain(path + where);
        result.StdErr.ShouldContain(what);
        result.StdErr.ShouldContain("hint:");
        result.StdErr.ShouldNotContain("   at ");
        (await FlagshipSpec.SnapshotAsync(db)).Diff(before).ShouldBeEmpty();
        (await db.InvariantsAsync()).ShouldBe(invariants);
        File.Delete(path);
    }
}
