using System.Reflection;
using Switchyard.Cli;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Packaging;

/// <summary>
/// The switchyard .NET tool as a user gets it: packed from the already-built CLI, installed with `dotnet tool install`
/// from a local folder only (a NuGet.config that clears every other source: no network, no nuget.org package of the
/// same name can win), then run.
/// </summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task ToolPackage_InstalledFromALocalFolder_RunsVersionAndLint()
    {
        // Given the CLI packed as a tool into a private folder, and a feed config naming only that folder
        var version = typeof(CliRoot).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        var work = Directory.CreateTempSubdirectory("switchyard-tool-").FullName;
        var packages = Path.Combine(work, "packages");
        var pack = await ExternalProcess.RunAsync("dotnet", ["pack", Path.Combine(TestCluster.RepositoryRoot(), "src", "Switchyard.Cli", "Switchyard.Cli.csproj"),
            "-c", ExternalProcess.BuildConfiguration(), "--no-build", "-nologo", "-o", packages], work);
        pack.ExitCode.ShouldBe(0, pack.Output);
        File.Exists(Path.Combine(packages, $"switchyard.{version}.nupkg")).ShouldBeTrue(pack.Output);
        var config = Path.Combine(work, "nuget.config");
        await File.WriteAllTextAsync(config,
            $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>""");

        // When it is installed the way the README says and run
        var tools = Path.Combine(work, "tools");
        var install = await ExternalProcess.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--configfile", config, "--add-source", packages,
            "switchyard", "--version", version], work);
        install.ExitCode.ShouldBe(0, install.Output);
        var shim = Path.Combine(tools, "switchyard");
        var versionRun = await ExternalProcess.RunAsync(shim, ["--version"], work);
        await File.WriteAllTextAsync(Path.Combine(work, "0042_add_index.sql"),
            "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nCREATE INDEX idx_orders_merchant ON orders (merchant_id);\n");
        var lint = await ExternalProcess.RunAsync(shim, ["lint", "0042_add_index.sql", "--static", "--format", "github"], work);

        // Then the installed tool is this version and lints like the built one: SY001 on line 3, exit 2
        versionRun.ExitCode.ShouldBe(0, versionRun.Output);
        versionRun.Output.Trim().ShouldStartWith(version);
        lint.ExitCode.ShouldBe(2, lint.Output);
        lint.Output.ShouldContain("::error file=0042_add_index.sql,line=3,col=1,title=SY001::");
        Directory.Delete(work, recursive: true);
    }
}
