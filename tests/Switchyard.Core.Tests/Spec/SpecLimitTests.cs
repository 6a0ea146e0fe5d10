using System.Text;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Tests.Spec;

/// <summary>Hostile or runaway specs are refused at load with file:line:col and the limit, never a crash.</summary>
public sealed class SpecLimitTests
{
    private static string Normalize(string column = "status", string codes = "[settled, voided]", string aliases = "{ setled: settled }") => $$"""
        migration: m
        operations:
          - normalize_column:
              table: transactions
              column: {{column}}
              target_column: state_id
              lookup: { table: transaction_state, codes: {{codes}} }
              aliases: {{aliases}}
        """;

    [Fact]
    public void Load_DeeplyNestedYaml_IsRefusedWithTheDepthLimitNotAStackOverflow()
    {
        // Given 40,000 nested flow lists
        var yaml = "migration: m\noperations: " + new string('[', 40_000);

        // When / Then
        SpecErrors.ShouldFailAt(yaml, "deep.yaml", "deep.yaml:2", $"nested more than {SpecLimits.MaxDepth} levels");
    }

    [Fact]
    public void Load_AliasBombAsAMappingKey_IsRefusedAtTheFirstAliasOfAList()
    {
        // Given a "billion laughs": eleven levels of ten aliases each, the last used as a key (hashed when the mapping is built)
        var levels = new StringBuilder("        k0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 12; i++)
            levels.Append("        k").Append(i).Append(": &a").Append(i).Append(" [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        var yaml = Normalize(aliases: "") + "\n" + levels + "        ? *a11\n        : settled\n";

        // When / Then: refused where the first list alias is, in time linear in the text
        SpecErrors.ShouldFailAt(yaml, "bomb.yaml", "bomb.yaml:10:18", "alias *a0 refers to a list or mapping");
    }

    [Fact]
    public void Load_AliasOfASingleValue_IsAllowed()
    {
        // Given an anchored code reused as an alias target
        var spec = SpecLoader.Load(Normalize(codes: "[&s settled, voided]", aliases: "{ setled: *s }"), "scalar.yaml");

        // Then
        spec.Operations.OfType<NormalizeColumnOperation>().Single().Target.Aliases["setled"].ShouldBe("settled");
    }

    [Fact]
    public void Load_TextOverTheSizeLimit_IsRefusedNamingTheLimit()
    {
        // Given
        var yaml = Normalize() + "\n#" + new string('x', SpecLimits.MaxBytes);

        // When / Then
        SpecErrors.ShouldFailAt(yaml, "big.yaml", "big.yaml:1:1", "larger than 1 MiB");
    }

    [Fact]
    public void LoadFile_DevZero_IsRefusedWithoutReadingItAll()
    {
        // Given an endless file
        // When
        var e = Should.Throw<SpecException>(() => SpecLoader.LoadFile("/dev/zero"));

        // Then
        e.Message.ShouldBe("/dev/zero:1:1: the spec is larger than 1 MiB (the limit).");
        e.ExitCode.ShouldBe(4);
    }

    [Fact]
    public void Load_TooManyAliases_IsRefusedNamingTheLimit()
    {
        // Given one alias more than allowed, in a flow mapping that keeps the file under the size limit
        var aliases = "{ " + string.Join(", ", Enumerable.Range(0, SpecLimits.MaxAliases + 1).Select(i => $"a{i}: settled")) + " }";

        // When / Then
        SpecErrors.ShouldFailAt(Normalize(aliases: aliases), "many.yaml", "many.yaml:8", $"one normalize_column may list at most {SpecLimits.MaxAliases}");
    }

    [Fact]
    public void Load_CodeOverTheValueLimit_IsRefusedNamingTheLimit() =>
        SpecErrors.ShouldFailAt(Normalize(codes: $"[settled, {new string('x', SpecLimits.MaxValueBytes + 1)}]"), "v.yaml", "v.yaml:7", $"code is longer than {SpecLimits.MaxValueBytes} bytes");

    [Fact]
    public void Load_IdentifierOf64Bytes_IsRefusedAtItsPosition()
    {
        // Given a column name of 62 ASCII bytes plus one two-byte character: 64 bytes, 63 characters
        var name = new string('c', 62) + "é";

        // When / Then
        SpecErrors.ShouldFailAt(Normalize(column: name), "long.yaml", "long.yaml:5:15", "is 64 bytes long; PostgreSQL identifiers hold at most 63 bytes");
    }

    [Fact]
    public void Load_IdentifierOf63Bytes_IsAccepted()
    {
        // Given
        var name = new string('c', 61) + "é";

        // When
        var spec = SpecLoader.Load(Normalize(column: name), "ok.yaml");

        // Then
        spec.Operations.OfType<NormalizeColumnOperation>().Single().Target.SourceColumn.ShouldBe(name);
        Encoding.UTF8.GetByteCount(name).ShouldBe(63);
    }

    [Theory]
    [InlineData("[\"\\tsettled\", voided]", "", "long.yaml:7", "code '\\u0009settled' contains a control character")]
    [InlineData("[settled, voided]", "{ \"set\\nled\": settled }", "long.yaml:8", "alias 'set\\u000Aled' contains a control character")]
    [InlineData("[settled, \"\\u00A0\"]", "", "long.yaml:7", "code is only whitespace")]
    [InlineData("[settled, voided]", "{ \"\": settled }", "long.yaml:8", "must be a non-empty text value")]
    public void Load_CodeOrAliasEmptyOrWithControlCharacters_IsRefused(string codes, string aliases, string where, string what) =>
        SpecErrors.ShouldFailAt(Normalize(codes: codes, aliases: aliases.Length == 0 ? "{ setled: settled }" : aliases), "long.yaml", where, what);
}
