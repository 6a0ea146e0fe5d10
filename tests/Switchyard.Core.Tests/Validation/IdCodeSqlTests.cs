using Switchyard.Core.Validation;

namespace Switchyard.Core.Tests.Validation;

public sealed class IdCodeSqlTests
{
    private static readonly LookupCode[] Ledger =
    [
        new("3", "settled", true), new("1", "authorized", true), new("2", "captured", true), new("7", "charged_back", true),
    ];

    [Theory]
    [InlineData("smallint")]
    [InlineData("integer")]
    public void SmallIntegerIds_IndexConstantArrays_WithNullWhereTheLookupHasNoId(string idType)
    {
        // When
        var ids = IdCodeSql.For(Ledger, "t.\"state_id\"", idType, "text");

        // Then: element i is the code of id i, ids 4–6 are holes
        ids.Indexed.ShouldBeTrue();
        ids.CodeOf.ShouldBe("(ARRAY['authorized', 'captured', 'settled', NULL, NULL, NULL, 'charged_back']::text[])[t.\"state_id\"]");
        ids.IsSelfCode("t.\"status\"").ShouldBe(
            "(ARRAY['authorized', 'captured', 'settled', NULL, NULL, NULL, 'charged_back']::name[])[t.\"state_id\"] = (t.\"status\" COLLATE \"C\")");
    }

    [Fact]
    public void ACodeThatDoesNotMapToItself_IsAHoleInTheQuickProof_ButStaysTheIdsCode()
    {
        var ids = IdCodeSql.For([new("1", "open", true), new("2", "PAID", false)], "t.s", "smallint", "character varying");

        ids.IsSelfCode("t.v").ShouldStartWith("(ARRAY['open', NULL]::name[])");
        ids.CodeOf.ShouldStartWith("(ARRAY['open', 'PAID']::text[])");
    }

    [Theory]
    [InlineData("bigint", "3")]
    [InlineData("text", "3")]
    [InlineData("smallint", "0")]
    [InlineData("smallint", "-3")]
    [InlineData("integer", "1025")]
    [InlineData("smallint", "x")]
    [InlineData(null, "3")]
    public void IdsAnArrayCannotIndexSafely_KeepTheCaseForms(string? idType, string oddId)
    {
        // Given: a bigint subscript could overflow int4 and raise mid-scan; 0, negative, non-numeric or large ids
        // would need an offset or a mostly empty array
        LookupCode[] codes = [new("1", "authorized", true), new(oddId, "settled", true)];

        // When
        var ids = IdCodeSql.For(codes, "t.\"state_id\"", idType, "text");

        // Then
        ids.Indexed.ShouldBeFalse();
        ids.CodeOf.ShouldBe($"(CASE t.\"state_id\" WHEN '1' THEN 'authorized' WHEN '{oddId}' THEN 'settled' END)");
        ids.IsSelfCode("t.\"status\"").ShouldBe($"(CASE t.\"state_id\" WHEN '1' THEN t.\"status\" = 'authorized' WHEN '{oddId}' THEN t.\"status\" = 'settled' ELSE false END)");
    }

    [Fact]
    public void DuplicateIds_KeepTheCaseForms() =>
        IdCodeSql.For([new("1", "a", true), new("1", "b", true)], "t.s", "smallint", "text").Indexed.ShouldBeFalse();

    [Theory]
    [InlineData("bytea")]
    [InlineData("character")]
    [InlineData(null)]
    public void ALegacyValueThatIsNotTextOrVarchar_IsComparedInItsOwnType(string? legacyType)
    {
        var ids = IdCodeSql.For(Ledger, "t.s", "smallint", legacyType);

        ids.Indexed.ShouldBeTrue();
        ids.IsSelfCode("t.v").ShouldStartWith("(CASE t.s WHEN '3' THEN t.v = 'settled'");
    }

    [Fact]
    public void ACodeLongerThanAName_IsComparedAsText_SoItIsNeverTruncated()
    {
        // Given a 64-byte code (name holds 63)
        var longCode = new string('x', IdCodeSql.MaxNameBytes + 1);

        var ids = IdCodeSql.For([new("1", "open", true), new("2", longCode, true)], "t.s", "smallint", "text");

        ids.IsSelfCode("t.v").ShouldContain($"WHEN '2' THEN t.v = '{longCode}'");
        ids.CodeOf.ShouldContain($"'{longCode}'");
    }

    [Fact]
    public void NoCodeMapsToItself_NothingIsProvenQuickly() =>
        IdCodeSql.For([new("1", "OPEN", false)], "t.s", "smallint", "text").IsSelfCode("t.v").ShouldBe("false");
}
