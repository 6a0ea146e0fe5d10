using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Core.Tests.Operations;

public sealed class NormalizationTargetTests
{
    [Fact]
    public void CodeSql_TrimsLowersAndReadsAliasesFromTheAliasTable()
    {
        // Given / When
        var sql = LedgerFlagship.Target().CodeSql("t.\"status\"");

        // Then
        var normalized = $"lower(btrim(t.\"status\", {NormalizationTarget.TrimCharactersSql}))";
        sql.ShouldBe($"coalesce((SELECT jsonb_object_agg(a.alias, a.code) FROM \"public\".\"transaction_state_aliases\" a WHERE a.alias IS NOT NULL) ->> {normalized}, {normalized})");
    }

    [Fact]
    public void CodeSql_WithoutRules_IsTheColumnItself()
    {
        var target = LedgerFlagship.Target() with { Trim = false, Lowercase = false, Aliases = new Dictionary<string, string>() };
        target.CodeSql("status").ShouldBe("(status)");
    }

    [Fact]
    public void CodeSql_HostileAlias_NeverReachesTheSqlText()
    {
        // Given
        var target = LedgerFlagship.Target() with { Aliases = new Dictionary<string, string> { ["x'$switchyard$; DROP TABLE t; --\\"] = "settled" } };

        // When
        var sql = target.CodeSql("s");

        // Then
        sql.ShouldNotContain("DROP");
        sql.ShouldNotContain("settled");
    }
}
