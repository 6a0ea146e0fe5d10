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
            var subject = call.Method == "RenameTable" ? "RenameTable '" + table + "'" : call.Method + " '" + (call.Text("name") ?? "?") + "' on '" + table + "'";
            foreach (var rule in Hazards(call))
            {
                var hazard = rule == MigrationRules.IndexWithoutConcurrently ? MigrationRules.CreateIndexHazard : MigrationRules.Hazard(rule);
                report(Diagnostic.Create(rule, call.NameLocation(), subject, hazard));
            }
        }
    }

    /// <summary>Every rule the call breaks (an AlterColumn can change the type and add NOT NULL at once).</summary>
    private static IEnumerable<DiagnosticDescriptor> Hazards(MigrationCall call)
    {
        switch (call.Method)
        {
            case "CreateIndex" when !IsConcurrent(call.Invocation.Syntax):
                yield return MigrationRules.IndexWithoutConcurrently;
                break;
            case "AlterColumn":
                if (ChangesType(call)) yield return MigrationRules.ColumnTypeChange;
                if (call.Flag("nullable") == false && call.Flag("oldNullable") == true) yield return MigrationRules.SetNotNull;
                break;
            case "RenameColumn" or "RenameTable":
                yield return MigrationRules.Rename;
                break;
            case "AddForeignKey":
                yield return MigrationRules.ForeignKeyValidatedInline;
                break;
            case "AddCheckConstraint":
                yield return MigrationRules.CheckValidatedInline;
                break;
            case "AddUniqueConstraint" or "AddPrimaryKey":
                yield return MigrationRules.UniqueWithoutIndex;
                break;
            case "AddColumn" when HasVolatileDefault(call):
                yield return MigrationRules.VolatileDefault;
                break;
            case "AddColumn" when call.Flag("nullable") == false && !call.Passed("defaultValue") && !call.Passed("defaultValueSql") && !call.Passed("computedColumnSql"):
                yield return MigrationRules.NotNullColumnWithoutDefault;
                break;
        }
    }

    private static void ReportSql(MigrationCall call, Action<Diagnostic> report)
    {
        // Only SQL the compiler can see as a constant (literals and their concatenations); anything built at run time is skipped.
        if (call.Argument("sql") is not { ConstantValue: { HasValue: true, Value: string sql } } argument) return;
        foreach (var (rule, statement) in SqlKeywordCheck.Hazards(sql))
            report(Diagnostic.Create(rule, argument.Syntax.GetLocation(), "Sql(\"" + statement + "\")", MigrationRules.Hazard(rule)));
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
