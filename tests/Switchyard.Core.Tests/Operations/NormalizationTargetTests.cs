using Switchyard.Core.Operations;

namespace Switchyard.Core.Tests.Operations;

public sealed class NormalizationTargetTests
{
    [Fact]
    public void CodeSql_TrimsLowersAndFoldsAliases()
    {
        var sql = NormalizationTarget.LedgerTransactionStatus().CodeSql("t.\"status\"");

        sql.ShouldBe("(CASE lower(btrim(t.\"status\")) WHEN 'auth' THEN 'authorized' WHEN 'captrued' THEN 'captured' WHEN 'setled' THEN 'settled' ELSE lower(btrim(t.\"status\")) END)");
    }

    [Fact]
    public void CodeSql_WithoutRules_IsTheColumnItself()
    {
        var target = NormalizationTarget.LedgerTransactionStatus() with { Trim = false, Lowercase = false, Aliases = new Dictionary<string, string>() };
        target.CodeSql("status").ShouldBe("(status)");
    }

    [Fact]
    public void CodeSql_QuotesAliasLiterals()
    {
        var target = NormalizationTarget.LedgerTransactionStatus() with { Aliases = new Dictionary<string, string> { ["it's"] = "settled" } };
        target.CodeSql("s").ShouldContain("WHEN 'it''s' THEN 'settled'");
    }
}
