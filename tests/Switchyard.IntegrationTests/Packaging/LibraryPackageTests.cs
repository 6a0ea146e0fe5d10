using System.IO.Compression;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.EntityFramework.Model;

namespace Switchyard.IntegrationTests.Packaging;

/// <summary>
/// Switchyard.EntityFrameworkCore and Switchyard.Compat as an application gets them: packed from the already-built
/// projects into a private folder, added to a fresh console project, built and run. The feed config maps Switchyard.*
/// to that folder only, and everything else (EF Core, Npgsql…) to the normal source.
/// </summary>
public sealed class LibraryPackageTests
{
    private static readonly string[] Packages = ["Switchyard.EntityFrameworkCore", "Switchyard.Compat"];

    [Fact]
    public async Task LibraryPackages_AddedToAFreshConsoleApp_BuildAndReadTheSampleMigrations()
    {
        // Given both libraries packed (a version of this run's own, so NuGet's cache cannot serve an older pack)
        var version = $"0.1.0-test.{DateTimeOffset.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..6]}";
        var work = Directory.CreateTempSubdirectory("switchyard-libs-").FullName;
        var feed = Path.Combine(work, "packages");
        try
        {
            foreach (var package in Packages)
            {
                var pack = await ExternalProcess.RunAsync("dotnet", ["pack", Path.Combine(TestCluster.RepositoryRoot(), "src", package, package + ".csproj"),
                    "-c", ExternalProcess.BuildConfiguration(), "--no-build", "-nologo", "-o", feed, $"-p:PackageVersion={version}"], work);
                pack.ExitCode.ShouldBe(0, pack.Output);
            }
            await File.WriteAllTextAsync(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><clear /><add key="local" value="{feed}" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
                  <packageSourceMapping>
                    <packageSource key="local"><package pattern="Switchyard.*" /></packageSource>
                    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                </configuration>
                """);

            // When a new console app adds both and calls one public API of each: a Compat flag, and the sample's migrations read through EF
            var app = Path.Combine(work, "App");
            (await ExternalProcess.RunAsync("dotnet", ["new", "console", "-n", "App", "-o", app, "--no-restore"], work)).ExitCode.ShouldBe(0);
            foreach (var package in Packages)
            {
                var add = await ExternalProcess.RunAsync("dotnet", ["add", "package", package, "--version", version, "--no-restore"], app);
                add.ExitCode.ShouldBe(0, add.Output);
            }
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
                using Switchyard.Compat.Flags;
                using Switchyard.EntityFrameworkCore;

                Console.WriteLine($"flag: {CompatFlag.Default("transactions.status").ReadMode}");
                foreach (var id in EfMigrationsAssembly.List(args[0])) Console.WriteLine($"migration: {id}");
                """);
            var build = await ExternalProcess.RunAsync("dotnet", ["build", "-nologo", "-c", "Release"], app);
            var run = await ExternalProcess.RunAsync("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "App.dll"), typeof(LedgerDbContext).Assembly.Location], app);

            // Then it builds and runs, and neither package carries the sample
            build.ExitCode.ShouldBe(0, build.Output);
            run.ExitCode.ShouldBe(0, run.Output);
            run.StdOut.ShouldContain("flag: Legacy");
            run.StdOut.ShouldContain("_InitialLedger");
            run.StdOut.ShouldContain("_NormalizeTransactionStatus");
            foreach (var package in Packages)
            {
                using var nupkg = ZipFile.OpenRead(Path.Combine(feed, $"{package}.{version}.nupkg"));
                nupkg.Entries.Select(e => e.FullName).ShouldContain($"lib/net10.0/{package}.dll");
                nupkg.Entries.ShouldNotContain(e => e.FullName.Contains("Ledger", StringComparison.OrdinalIgnoreCase), package);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            ForgetFromNuGetCache(version);
        }
    }

    // The run's own version was extracted into the global packages folder: remove it so runs do not pile up.
    private static void ForgetFromNuGetCache(string version)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in Packages)
        {
            var folder = Path.Combine(cache, package.ToLowerInvariant(), version);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
