using Switchyard.Core;
using Switchyard.Core.Linting;

namespace Switchyard.Core.Tests.Linting;

public sealed class SqlSplitterTests
{
    [Fact]
    public void Split_SemicolonsInStringsIdentifiersCommentsAndDollarQuotes_DoNotSplit()
    {
        // Given
        const string sql = """
            SELECT 'a;b', E'it\'s; fine', "odd;name" FROM t; -- trailing; comment
            /* block; /* nested; */ still comment */ SELECT $$ x; y $$, $fn$ a $$ b; $fn$;
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;
            SELECT $1::int
            """;

        // When
        var statements = SqlSplitter.Split(sql);

        // Then
        statements.Count.ShouldBe(4);
        statements[0].Text.ShouldBe("""SELECT 'a;b', E'it\'s; fine', "odd;name" FROM t""");
        statements[1].Line.ShouldBe(2);
        statements[1].Text.ShouldEndWith("$fn$ a $$ b; $fn$");
        statements[2].StartsWith("create", "function").ShouldBeTrue();
        statements[3].Text.ShouldBe("SELECT $1::int");
    }

    [Fact]
    public void Split_StatementsBetweenBeginAndCommit_KnowTheyAreInATransactionBlock()
    {
        // When
        var s = SqlSplitter.Split("SET lock_timeout = '1s';\nBEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\nCREATE INDEX CONCURRENTLY j ON t (b);");

        // Then
        s.Select(x => x.InTransactionBlock).ShouldBe([false, true, true, true, false]);
        s[2].TransactionBlockLine.ShouldBe(2);
        s[2].Line.ShouldBe(3);
    }

    [Fact]
    public void Split_SqlStandardFunctionBodyWithBeginAtomic_StaysOneStatement()
    {
        var s = SqlSplitter.Split("CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT 2; END; SELECT 3;");

        s.Count.ShouldBe(2);
        s[0].Text.ShouldEndWith("SELECT 2; END");
        s[0].InTransactionBlock.ShouldBeFalse();
    }

    [Fact]
    public void Split_RollbackToSavepoint_DoesNotEndTheBlock()
    {
        var s = SqlSplitter.Split("BEGIN; SAVEPOINT a; ROLLBACK TO SAVEPOINT a; ALTER TABLE t ADD COLUMN c int; COMMIT; SELECT 1");

        s.Select(x => x.InTransactionBlock).ShouldBe([true, true, true, true, true, false]);
    }

    [Theory]
    [InlineData("SELECT 'open", "1:8: unterminated string literal")]
    [InlineData("SELECT 1;\n/* open", "2:1: unterminated /* comment")]
    [InlineData("SELECT $x$ open", "1:8: unterminated dollar-quoted string $x$")]
    [InlineData("SELECT \"open", "1:8: unterminated quoted identifier")]
    public void Split_UnterminatedQuote_IsAClearErrorWithFileLineAndColumn(string sql, string expected)
    {
        var e = Should.Throw<SwitchyardException>(() => SqlSplitter.Split(sql, "m.sql"));

        e.Message.ShouldBe($"m.sql:{expected}.");
        e.Hint.ShouldNotBeNull();
    }
}
