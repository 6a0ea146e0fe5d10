using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Switchyard.Analyzers;

/// <summary>
/// Flags <c>MigrationBuilder</c> calls in EF Core migrations that lock or rewrite a busy table, matched by symbol
/// (Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder), never by text. Like `switchyard lint`, operations on a
/// table the same method created earlier are not flagged: a new table is empty and unused.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MigrationBuilderAnalyzer : DiagnosticAnalyzer
{
    public const string MigrationBuilderType = "Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder";

    /// <summary>The annotation Npgsql's <c>IsCreatedConcurrently()</c> scaffolds onto CreateIndex.</summary>
    public const string CreatedConcurrentlyAnnotation = "Npgsql:CreatedConcurrently";

    private static readonly string[] VolatileFunctions = ["random(", "gen_random_uuid(", "uuid_generate_v", "clock_timestamp(", "nextval(", "timeofday("];

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        MigrationRules.IndexWithoutConcurrently, MigrationRules.DropIndexWithoutConcurrently, MigrationRules.ForeignKeyValidatedInline,
        MigrationRules.CheckValidatedInline, MigrationRules.SetNotNull, MigrationRules.VolatileDefault, MigrationRules.ColumnTypeChange,
        MigrationRules.Rename, MigrationRules.TableRewriteMaintenance, MigrationRules.NotNullColumnWithoutDefault,
        MigrationRules.UniqueWithoutIndex, MigrationRules.TableRewriteStatement, MigrationRules.ExplicitTableLock,
    ];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Projects without EF Core pay nothing.
            if (start.Compilation.GetTypeByMetadataName(MigrationBuilderType) is not { } builder) return;
            start.RegisterOperationBlockStartAction(block =>
            {
                var calls = new List<MigrationCall>();
                block.RegisterOperationAction(op =>
                {
                    if (MigrationCall.From((IInvocationOperation)op.Operation, builder) is { } call) calls.Add(call);
                }, OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(end => Report(calls, end.ReportDiagnostic));
            });
        });
    }

    private static void Report(List<MigrationCall> calls, Action<Diagnostic> report)
    {
        calls.Sort((a, b) => a.Invocation.Syntax.SpanStart.CompareTo(b.Invocation.Syntax.SpanStart));
        var created = new HashSet<string>(StringComparer.Ordinal);
        foreach (var call in calls)
        {
            if (call.Method == "CreateTable")
            {
                created.Add(call.Table("name"));
                continue;
            }
            if (call.Method == "Sql")
            {
                ReportSql(call, report);
                continue;
            }
            var table = call.Method == "RenameTable" ? call.Table("name") : call.Table();
            if (created.Contains(table)) continue;
            if (Hazard(call, table) is { } diagnostic) report(diagnostic);
        }
    }

    private static Diagnostic? Hazard(MigrationCall call, string table)
    {
        var at = call.NameLocation();
        var name = call.Text("name") ?? "?";
        switch (call.Method)
        {
            case "CreateIndex" when !IsConcurrent(call.Invocation.Syntax):
                return Diagnostic.Create(MigrationRules.IndexWithoutConcurrently, at, name, table);
            case "AlterColumn" when ChangesType(call):
                return Diagnostic.Create(MigrationRules.ColumnTypeChange, at, call.Method, name, table);
            case "AlterColumn" when call.Flag("nullable") == false && call.Flag("oldNullable") == true:
                return Diagnostic.Create(MigrationRules.SetNotNull, at, call.Method, name, table);
            case "RenameColumn":
                return Diagnostic.Create(MigrationRules.Rename, at, call.Method, table + "." + name);
            case "RenameTable":
                return Diagnostic.Create(MigrationRules.Rename, at, call.Method, table);
            case "AddForeignKey":
                return Diagnostic.Create(MigrationRules.ForeignKeyValidatedInline, at, call.Method, name, table);
            case "AddCheckConstraint":
                return Diagnostic.Create(MigrationRules.CheckValidatedInline, at, call.Method, name, table);
            case "AddUniqueConstraint" or "AddPrimaryKey":
                return Diagnostic.Create(MigrationRules.UniqueWithoutIndex, at, call.Method, name, table);
            case "AddColumn" when HasVolatileDefault(call):
                return Diagnostic.Create(MigrationRules.VolatileDefault, at, call.Method, name, table);
            case "AddColumn" when call.Flag("nullable") == false && !call.Passed("defaultValue") && !call.Passed("defaultValueSql") && !call.Passed("computedColumnSql"):
                return Diagnostic.Create(MigrationRules.NotNullColumnWithoutDefault, at, call.Method, name, table);
            default:
                return null;
        }
    }

    private static void ReportSql(MigrationCall call, Action<Diagnostic> report)
    {
        // Only SQL the compiler can see as a constant (literals and their concatenations); anything built at run time is skipped.
        if (call.Argument("sql") is not { ConstantValue: { HasValue: true, Value: string sql } } argument) return;
        foreach (var rule in SqlKeywordCheck.Hazards(sql))
            report(Diagnostic.Create(rule, argument.Syntax.GetLocation(), "Sql(...)"));
    }

    /// <summary>The CreateIndex is followed by <c>.IsCreatedConcurrently()</c> or the Npgsql annotation it scaffolds.</summary>
    public static bool IsConcurrent(SyntaxNode createIndex)
    {
        for (var node = createIndex; node.Parent is MemberAccessExpressionSyntax member && member.Parent is InvocationExpressionSyntax outer; node = outer)
        {
            var method = member.Name.Identifier.ValueText;
            if (method == "IsCreatedConcurrently") return !PassesFalse(outer, 0);
            if (method == "Annotation" && outer.ArgumentList.Arguments.Count == 2
                && outer.ArgumentList.Arguments[0].Expression is LiteralExpressionSyntax { Token.ValueText: CreatedConcurrentlyAnnotation })
                return !PassesFalse(outer, 1);
        }
        return false;
    }

    private static bool PassesFalse(InvocationExpressionSyntax invocation, int index) =>
        invocation.ArgumentList.Arguments.Count > index
        && invocation.ArgumentList.Arguments[index].Expression.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.FalseLiteralExpression);

    private static bool ChangesType(MigrationCall call)
    {
        if (call.Text("type") is { } type && call.Text("oldType") is { } oldType
            && !string.Equals(type.Trim(), oldType.Trim(), StringComparison.OrdinalIgnoreCase))
            return true;
        if (call.Argument("oldClrType") is ITypeOfOperation { TypeOperand: var oldClr } && call.Invocation.TargetMethod.TypeArguments.Length == 1)
            return !SymbolEqualityComparer.Default.Equals(Underlying(oldClr), Underlying(call.Invocation.TargetMethod.TypeArguments[0]));
        return false;
    }

    private static ITypeSymbol Underlying(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    private static bool HasVolatileDefault(MigrationCall call)
    {
        if (call.Flag("stored") == true && call.Passed("computedColumnSql")) return true;
        var sql = call.Text("defaultValueSql");
        if (sql is null) return false;
        foreach (var function in VolatileFunctions)
        {
            if (sql.IndexOf(function, StringComparison.OrdinalIgnoreCase) >= 0) return true;
        }
        return false;
    }
}
