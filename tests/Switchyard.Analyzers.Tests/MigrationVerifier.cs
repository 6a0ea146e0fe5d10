using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Switchyard.Analyzers.Tests;

/// <summary>
/// Runs the analyzer (and the SY001 fix) on one migration plus the EF stub. References come from the running .NET
/// runtime, not a reference-assembly package the kit would download: tests stay offline and fast.
/// </summary>
internal static class MigrationVerifier
{
    private static readonly ReferenceAssemblies RuntimeOnly = new("net10.0");

    private static readonly MetadataReference[] RuntimeReferences =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "mscorlib.dll"))
            .Select(p => MetadataReference.CreateFromFile(p)),
    ];

    /// <summary>A migration's <c>Up</c> body wrapped in a class; <paramref name="body"/> uses {|SY001:…|} markup.</summary>
    public static string Migration(string body) => $$"""
        using Microsoft.EntityFrameworkCore.Migrations;

        public partial class AddIndex : Migration
        {
            protected override void Up(MigrationBuilder migrationBuilder)
            {
        {{body}}
            }
        }
        """;

    public static Task VerifyAsync(string body, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<MigrationBuilderAnalyzer, DefaultVerifier> { ReferenceAssemblies = RuntimeOnly };
        Prepare(test.TestState, Migration(body));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task VerifyFixAsync(string body, string fixedBody)
    {
        var test = new CSharpCodeFixTest<MigrationBuilderAnalyzer, CreateIndexConcurrentlyCodeFix, DefaultVerifier> { ReferenceAssemblies = RuntimeOnly };
        Prepare(test.TestState, Migration(body));
        Prepare(test.FixedState, Migration(fixedBody));
        return test.RunAsync();
    }

    private static void Prepare(SolutionState state, string migration)
    {
        state.Sources.Add(("Migration.cs", migration));
        state.Sources.Add(("MigrationBuilderStub.cs", MigrationBuilderStub.Source));
        state.AdditionalReferences.AddRange(RuntimeReferences);
    }
}
