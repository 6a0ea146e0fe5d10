using NpgsqlTypes;
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
    public void SmallIntegerIds_IndexBoundArrays_WithNullWhereTheLookupHasNoId(string idType)
    {
        // When
        var ids = IdCodeSql.For(Ledger, "t.\"state_id\"", idType, "text");
        var unproven = ids.Unproven("t.\"status\"", "mapped(t.\"status\")");

        // Then: element i is the code of id i, ids 4–6 are holes; the arrays are parameters $3 and $4
        ids.Indexed.ShouldBeTrue();
        ids.Codes.ShouldBe(["authorized", "captured", "settled", null, null, null, "charged_back"]);
        unproven.At(3).ShouldBe(
            "(($4::name[])[t.\"state_id\"] = (t.\"status\" COLLATE \"C\")) IS NOT TRUE AND mapped(t.\"status\") IS DISTINCT FROM ($3::text[])[t.\"state_id\"]");
        unproven.Values.Select(v => v.NpgsqlDbType).ShouldBe([NpgsqlDbType.Array | NpgsqlDbType.Text, NpgsqlDbType.Array | NpgsqlDbType.Name]);
        unproven.Values[0].Value.ShouldBe(ids.Codes);
    }

    [Fact]
    public void ACodeThatDoesNotMapToItself_IsAHoleInTheQuickProof_ButStaysTheIdsCode()
    {
        // When
        var ids = IdCodeSql.For([new("1", "open", true), new("2", "PAID", false)], "t.s", "smallint", "character varying");

        // Then
        ids.QuickProofCodes.ShouldBe(["open", null]);
        ids.Codes.ShouldBe(["open", "PAID"]);
    }

    [Theory]
    [InlineData("bigint", "3")]
    [InlineData("text", "3")]
    [InlineData("smallint", "0")]
    [InlineData("smallint", "-3")]
    [InlineData("integer", "1025")]
    [InlineData("smallint", "x")]
    [InlineData(null, "3")]
    public void IdsAnArrayCannotIndexSafely_AreLookedUpInABoundIdList(string? idType, string oddId)
    {
        // Given: a bigint subscript could overflow int4 and raise mid-scan; 0, negative, non-numeric or large ids
        // would need an offset or a mostly empty array
        LookupCode[] codes = [new("1", "authorized", true), new(oddId, "settled", true)];

        // When
        var ids = IdCodeSql.For(codes, "t.\"state_id\"", idType, "text");
        var unproven = ids.Unproven("t.\"status\"", "m");

        // Then: the row's place is its id's position in the third parameter
        ids.Indexed.ShouldBeFalse();
        unproven.At(1).ShouldBe(
            "(($2::name[])[array_position($3::text[], t.\"state_id\"::text)] = (t.\"status\" COLLATE \"C\")) IS NOT TRUE AND m IS DISTINCT FROM ($1::text[])[array_position($3::text[], t.\"state_id\"::text)]");
        unproven.Values[2].Value.ShouldBe(new[] { "1", oddId });
    }

    [Fact]
    public void DuplicateIds_AreNotIndexed() =>
        IdCodeSql.For([new("1", "a", true), new("1", "b", true)], "t.s", "smallint", "text").Indexed.ShouldBeFalse();

    [Theory]
    [InlineData("bytea")]
    [InlineData("character")]
    [InlineData(null)]
    public void ALegacyValueThatIsNotTextOrVarchar_TakesTheFullMappingOnly(string? legacyType)
    {
        // When
        var unproven = IdCodeSql.For(Ledger, "t.s", "smallint", legacyType).Unproven("t.v", "m");

        // Then
        unproven.At(1).ShouldBe("m IS DISTINCT FROM ($1::text[])[t.s]");
        unproven.Values.Count.ShouldBe(1);
    }

    [Fact]
    public void ACodeLongerThanAName_GetsNoQuickProof_SoItIsNeverTruncated()
    {
        // Given a 64-byte code (name holds 63)
        var longCode = new string('x', IdCodeSql.MaxNameBytes + 1);

        // When
        var ids = IdCodeSql.For([new("1", "open", true), new("2", longCode, true)], "t.s", "smallint", "text");

        // Then
        ids.QuickProofCodes.ShouldBe(["open", null]);
        ids.Codes.ShouldBe(["open", longCode]);
    }

    [Fact]
    public void NoCodeMapsToItself_NothingIsProvenQuickly() =>
        IdCodeSql.For([new("1", "OPEN", false)], "t.s", "smallint", "text").Unproven("t.v", "m").At(1)
            .ShouldBe("m IS DISTINCT FROM ($1::text[])[t.s]");

    [Theory]
    [InlineData("x'); DROP TABLE canary; --")]
    [InlineData("$switchyard$ DROP TABLE canary $switchyard$")]
    [InlineData("back\\'slash")]
    public void AHostileCode_IsABoundValue_NeverSqlText(string hostile)
    {
        // Given a lookup code an attacker wrote into the spec
        LookupCode[] codes = [new("1", hostile, true), new("2", "settled", true)];

        foreach (var idType in new[] { "smallint", "bigint" })
        {
            // When
            var unproven = IdCodeSql.For(codes, "t.s", idType, "text").Unproven("t.v", "m");

            // Then
            unproven.At(1).ShouldNotContain(hostile);
            unproven.Values[0].Value.ShouldBe(new[] { hostile, "settled" });
        }
    }
}
