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
