using Switchyard.Core.Execution;

namespace Switchyard.Core.Tests.Execution;

public sealed class IdentTests
{
    [Theory]
    [InlineData("transactions", "\"transactions\"")]
    [InlineData("Weird\"Name", "\"Weird\"\"Name\"")]
    [InlineData("with space", "\"with space\"")]
    public void Quote_AlwaysDoubleQuotesAndEscapes(string input, string expected) => Ident.Quote(input).ShouldBe(expected);

    [Fact]
    public void Quote_RejectsEmptyAndNul()
    {
        Should.Throw<ArgumentException>(() => Ident.Quote(""));
        Should.Throw<ArgumentException>(() => Ident.Quote("a\0b"));
    }

    [Fact]
    public void Literal_DoublesSingleQuotes() => Ident.Literal("it's").ShouldBe("'it''s'");

    [Fact]
    public void QualifiedName_ParsesDefaultSchemaAndQuotesBothParts()
    {
        QualifiedName.Parse("transactions").ShouldBe(new QualifiedName("public", "transactions"));
        QualifiedName.Parse("ledger.transactions").Sql.ShouldBe("\"ledger\".\"transactions\"");
    }
}
