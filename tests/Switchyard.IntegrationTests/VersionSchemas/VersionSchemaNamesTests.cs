using Switchyard.Core.Spec;

namespace Switchyard.IntegrationTests.VersionSchemas;

/// <summary>The version schemas' names come from the file and are checked when it is read.</summary>
public sealed class VersionSchemaNamesTests
{
    [Theory]
    [InlineData("version_schema: app_v2\n", "app_v2", "app_v2_previous")]
    [InlineData("", "03_rename", "03_rename_previous")]
    public void Load_PgrollFile_VersionSchemaFromFieldElseMigrationName(string header, string expectedNew, string expectedPrevious)
    {
        // Given a pgroll file with or without version_schema
        var yaml = header + "operations:\n  - rename_column: { table: t, from: a, to: b }\n";

        // When
        var names = SpecLoader.Load(yaml, "/tmp/03_rename.yaml").VersionSchemas!;

        // Then
        (names.New, names.Previous).ShouldBe((expectedNew, expectedPrevious));
    }

    [Theory]
    [InlineData("version_schema: " + "a123456789012345678901234567890123456789012345678901234567\n", "at most 54 bytes")]
    [InlineData("version_schema: pg_v2\n", "reserves")]
    public void Load_BadVersionSchema_OneLineErrorWithFix(string header, string expected)
    {
        // Given a version schema whose previous-version name would not fit, or a reserved prefix
        var yaml = header + "operations:\n  - rename_column: { table: t, from: a, to: b }\n";

        // When
        var error = Should.Throw<SpecException>(() => SpecLoader.Load(yaml, "/tmp/04.yaml"));

        // Then
        (error.Message + " " + error.Hint).ShouldContain(expected);
    }
}
