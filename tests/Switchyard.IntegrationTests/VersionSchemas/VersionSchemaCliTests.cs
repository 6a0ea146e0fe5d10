using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.VersionSchemas;

/// <summary>`plan` names the version schemas an app may set in Search Path; `status` lists the ones in the database.</summary>
public sealed class VersionSchemaCliTests() : DatabaseWithFolder("versions-")
{
    [Fact]
    public async Task PlanAndStatus_PgrollMigrationWithVersionSchema_NameBothSchemas()
    {
        // Given a table and a rename with version_schema: app_v2
        await Db.ExecuteAsync("CREATE TABLE accounts (id int PRIMARY KEY, holder text)");
        var file = Path.Combine(Folder, "rename_holder.yaml");
        await File.WriteAllTextAsync(file, "version_schema: app_v2\noperations:\n  - rename_column: { table: accounts, from: holder, to: owner_name }\n");

        // When it is planned, applied to Validate, and status is read
        var plan = await CliRunner.RunAsync(["plan", file, "-c", Db.ConnectionString]);
        var apply = await CliRunner.RunAsync(["apply", file, "--to", "validate", "-c", Db.ConnectionString, "--no-guards"]);
        var status = await CliRunner.RunAsync(["status", "-c", Db.ConnectionString, "--no-guards"]);

        // Then the plan names both schemas with their Search Path, and status lists them with their views
        plan.ExitCode.ShouldBe(0, plan.StdErr);
        plan.StdOut.ShouldContain("version schemas: new version app_v2 (Search Path=app_v2,public), previous version app_v2_previous (Search Path=app_v2_previous,public)");
        plan.StdOut.ShouldContain("View app_v2.accounts: new shape of public.accounts");
        apply.ExitCode.ShouldBe(0, apply.StdErr);
        status.ExitCode.ShouldBe(0, status.StdErr);
        status.StdOut.ShouldContain("app_v2_previous", Case.Sensitive, status.StdOut);
        status.StdOut.ShouldMatch(@"app_v2\s.*accounts", status.StdOut);
    }
}
